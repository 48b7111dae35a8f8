package dev.schedulerx.worker.instance;

import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapReduceJobProcessor;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.Command;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.Internal;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.MapReply;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.MapTasks;
import dev.schedulerx.worker.container.TaskBodyCodec.Shard;
import dev.schedulerx.worker.plugin.LoadedProcessor;
import dev.schedulerx.worker.store.TaskStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Master of a Map or MapReduce instance ({@code grid}, {@code parallel}, {@code batch}): runs the root
 * task on this worker, stores the sub-tasks that {@code map()} creates anywhere in the group, spreads them
 * over every live worker within a per-worker window, re-dispatches the tasks of a worker that died, and
 * when all are done runs {@code reduce} (MapReduce) and reports the instance.
 *
 * <p>A {@code sharding} instance is spread the same way, without a root task: one task per shard of the
 * parameters, named by its shard id, its body saying which shard it is; it succeeds when every shard did.
 */
final class MapMaster extends AbstractMaster {
  private record Reduced(Optional<ProcessResult> result) implements Internal {}

  private boolean reducing;
  /** How many shards a sharding instance has; 0 for Map and MapReduce instances. */
  private final int shards;
  /** Sub-tasks each parent task has created so far, over all its runs. */
  private final Map<Long, Long> mappedBy = new HashMap<>();
  /**
   * Sub-tasks the parent's current run has sent. A parent re-run after its worker died maps again; the
   * bodies an earlier run already created are skipped, so no sub-task exists twice (this relies on map()
   * producing the same list on every run, which a processor's map of its input does).
   */
  private final Map<Long, Long> sentByThisRun = new HashMap<>();

  static Behavior<Command> create(ActorContext<Command> ctx, InstanceSpec spec, InstanceRuntime runtime, LoadedProcessor processor) {
    return Behaviors.withTimers(timers -> new MapMaster(ctx, timers, spec, runtime, processor, 0).start());
  }

  static Behavior<Command> createSharded(
      ActorContext<Command> ctx, InstanceSpec spec, InstanceRuntime runtime, LoadedProcessor processor, List<Shard> shards) {
    return Behaviors.withTimers(timers -> new MapMaster(ctx, timers, spec, runtime, processor, shards.size()).startShards(shards));
  }

  private MapMaster(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, InstanceSpec spec, InstanceRuntime runtime, LoadedProcessor processor, int shards) {
    super(ctx, timers, spec, runtime, processor);
    this.shards = shards;
  }

  private Behavior<Command> start() {
    // The root task (id 0) runs on the master itself, as in SchedulerX.
    store.create(JobContext.ROOT_TASK_NAME, runtime.codec().encode(JobContext.ROOT_TASK_NAME));
    sendBatch(runtime.self(), 1);
    return this;
  }

  private Behavior<Command> startShards(List<Shard> all) {
    for (Shard shard : all) {
      store.create(Long.toString(shard.id()), runtime.codec().encodeShard(shard));
    }
    return dispatch();
  }

  @Override
  public Receive<Command> createReceive() {
    return commonHandlers()
        .onMessage(MapTasks.class, this::onMap)
        .onMessage(Reduced.class, this::onReduced)
        .build();
  }

  private Behavior<Command> onMap(MapTasks map) {
    if (isFinished() || reducing) {
      map.replyTo().tell(new MapReply(false, false, spec.label() + " is no longer running"));
      return this;
    }
    long parent = map.parentTaskId();
    long created = mappedBy.getOrDefault(parent, 0L);
    long sent = sentByThisRun.getOrDefault(parent, 0L);
    for (byte[] body : map.bodies()) {
      if (sent++ >= created) {
        store.create(map.taskName(), body);
        created++;
      }
    }
    mappedBy.put(parent, created);
    sentByThisRun.put(parent, sent);
    map.replyTo().tell(new MapReply(true, false, ""));
    return dispatch();
  }

  @Override
  protected Behavior<Command> afterProgress() {
    if (reducing) {
      return this;
    }
    if (store.isComplete()) {
      return complete();
    }
    return dispatch();
  }

  /**
   * Spreads waiting tasks evenly over the live workers that have room in their window, one batch per
   * worker per round: 30 tasks on 3 workers go 10/10/10, and a slow worker (full window) gets fewer.
   * While many tasks wait, a worker gets them only once a full batch fits its window: it still holds
   * plenty, and one batch of a thousand costs far less to send than fifty of twenty.
   */
  private Behavior<Command> dispatch() {
    int window = runtime.dispatch().window();
    boolean sentAny = true;
    while (sentAny && store.waiting() > 0) {
      sentAny = false;
      long worthwhile = Math.min(Math.min(window, runtime.dispatch().batchSize()), Math.max(1, store.waiting() / Math.max(1, live.size())));
      List<String> withRoom = live.stream().filter(w -> window - store.inFlight(w) >= worthwhile).toList();
      if (withRoom.isEmpty()) {
        break;
      }
      long share = Math.max(1, (store.waiting() + withRoom.size() - 1) / withRoom.size());
      for (String worker : withRoom) {
        long room = window - store.inFlight(worker);
        int n = (int) Math.min(Math.min(room, share), runtime.dispatch().batchSize());
        sentAny |= sendBatch(worker, n) > 0;
      }
    }
    return this;
  }

  private int sendBatch(String worker, int max) {
    List<TaskStore.Task> tasks = store.dispatch(worker, max);
    if (tasks.isEmpty()) {
      return 0;
    }
    List<TaskSpec> specs = new ArrayList<>(tasks.size());
    for (TaskStore.Task t : tasks) {
      specs.add(new TaskSpec(t.id(), t.name(), t.body(), 0, retry.maxAttempt(), retry.intervalSeconds(), shards));
    }
    send(worker, specs);
    return tasks.size();
  }

  @Override
  protected Behavior<Command> workerLost(String worker, String why) {
    live.remove(worker);
    int back = store.requeue(worker);
    for (Long parent : mappedBy.keySet()) {
      if (store.status(parent) == dev.schedulerx.api.TaskStatus.INIT) {
        sentByThisRun.put(parent, 0L); // it runs again from the start
      }
    }
    getContext().getLog().warn("{}: worker {} {}; {} unfinished task(s) go to the remaining {} worker(s)",
        spec.label(), worker, why, back, live.size());
    if (live.isEmpty()) {
      store.failUnfinished("no live worker left");
      return finish(InstanceStatus.FAILED, "no live worker left: worker " + worker + " " + why);
    }
    return dispatch();
  }

  private Behavior<Command> complete() {
    if (shards > 0 || !(processor.processor() instanceof MapReduceJobProcessor)) {
      return finishWith(Optional.empty());
    }
    reducing = true;
    TaskContext context = masterContext();
    boolean anyFailed = store.failed() > 0;
    getContext().pipeToSelf(
        runtime.pool().run(() -> TaskMdc.call(context, () -> {
          boolean run = !anyFailed || runtime.invoker().ask(processor, p -> ((MapReduceJobProcessor) p).runReduceIfFail(context), Boolean.TRUE);
          return run
              ? Optional.of(runtime.invoker().invoke(processor, p -> ((MapReduceJobProcessor) p).reduce(context)))
              : Optional.<ProcessResult>empty();
        })).result(),
        (result, failure) -> new Reduced(failure == null ? result : Optional.of(ProcessResult.failure("reduce crashed: " + failure))));
    return this;
  }

  private Behavior<Command> onReduced(Reduced reduced) {
    return finishWith(reduced.result());
  }

  /** SchedulerX rules: any failed sub-task fails the instance; reduce cannot rescue it, but can fail it. */
  private Behavior<Command> finishWith(Optional<ProcessResult> reduce) {
    if (shards > 0) {
      return store.failed() > 0
          ? finish(InstanceStatus.FAILED, store.failed() + " of " + shards + " shards failed (first " + firstFailure() + ")")
          : finish(InstanceStatus.SUCCESS, shards + " shards succeeded");
    }
    long subTasks = store.total() - 1;
    if (store.status(0).value() == dev.schedulerx.api.TaskStatus.FAILED.value()) {
      return finish(InstanceStatus.FAILED, "root task failed: " + store.result(0));
    }
    if (store.failed() > 0) {
      String summary = store.failed() + " of " + subTasks + " sub-tasks failed (first " + firstFailure() + ")";
      return finish(InstanceStatus.FAILED, reduce.map(r -> summary + "; reduce: " + r.result()).orElse(summary));
    }
    if (reduce.isPresent() && reduce.get().status() != InstanceStatus.SUCCESS) {
      return finish(InstanceStatus.FAILED, "reduce failed: " + reduce.get().result());
    }
    String result = reduce.map(ProcessResult::result).filter(r -> !r.isEmpty()).orElse(subTasks + " sub-tasks succeeded");
    return finish(InstanceStatus.SUCCESS, result);
  }

  @Override
  protected String taskLabel(long taskId) {
    return shards > 0 ? "shard " + store.name(taskId) : super.taskLabel(taskId);
  }

  @Override
  protected String progressJson() {
    return ProgressJson.of(store, true);
  }
}
