package dev.schedulerx.worker.instance;

import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapReduceJobProcessor;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.Command;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.Internal;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.MapReply;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.MapTasks;
import dev.schedulerx.worker.plugin.LoadedProcessor;
import dev.schedulerx.worker.store.TaskStore;
import dev.schedulerx.worker.task.InstanceSpec;
import dev.schedulerx.worker.task.TaskBodyCodec.Shard;
import dev.schedulerx.worker.task.TaskContext;
import dev.schedulerx.worker.task.TaskMdc;
import dev.schedulerx.worker.task.TaskSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
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

  /** The predecessors' log, read back (resume). */
  private record LogRead(List<MasterLog.Segment> segments, Throwable failure) implements Internal {}

  /** The server gave the instance to a newer master. */
  private record Fenced(String why) implements Internal {}

  /** The log said where reduce stands: may it run here (STORED) or has a newer master the instance (FENCED)? */
  private record ReduceCleared(MasterLog.Appended appended, Throwable failure) implements Internal {}

  /** The log said whether this master may report the end it reached. */
  private record Settled(InstanceStatus status, String result, MasterLog.Appended appended) implements Internal {}

  private enum FlushTick implements Internal { INSTANCE }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** How often recorded operations are sent to the server at the latest. */
  static final java.time.Duration LOG_FLUSH = java.time.Duration.ofMillis(200);

  private boolean reducing;
  /** The end is decided and waits for the log's word ({@link Settled}); {@link #settled} once it came. */
  private boolean settling;
  private boolean settled;
  /** How many shards a sharding instance has; 0 for Map and MapReduce instances. */
  private final int shards;
  private final List<Shard> shardList;
  /** Sub-tasks each parent task has created so far, over all its runs. */
  private final Map<Long, Long> mappedBy = new HashMap<>();
  /**
   * Sub-tasks the parent's current run has sent. A parent re-run after its worker died maps again; the
   * bodies an earlier run already created are skipped, so no sub-task exists twice (this relies on map()
   * producing the same list on every run, which a processor's map of its input does).
   */
  private final Map<Long, Long> sentByThisRun = new HashMap<>();
  /** Hash of the bodies each parent's current run has sent, in order ({@link OperationLogCodec#hash}). */
  private final Map<Long, Long> runHash = new HashMap<>();
  /** Hash of the bodies each parent has created, over all its runs: a re-run must reproduce it. */
  private final Map<Long, Long> createdHash = new HashMap<>();
  /** Parents running again (worker lost, or resumed) whose map() output is checked against the first run's. */
  private final java.util.Set<Long> rerunning = new java.util.HashSet<>();
  /** The write-behind log another worker would resume from; null when resume is off. */
  private final OperationLog log;
  /** True until the predecessors' log is read back (resume only): the store is not built yet. */
  private boolean loading;
  /** Finished tasks the earlier masters' log held (resume only): they are in the server's log already. */
  private long replayedFinished;

  static Behavior<Command> create(ActorContext<Command> ctx, InstanceSpec spec, InstanceRuntime runtime, LoadedProcessor processor) {
    return Behaviors.withTimers(timers -> new MapMaster(ctx, timers, spec, runtime, processor, List.of()).start());
  }

  static Behavior<Command> createSharded(
      ActorContext<Command> ctx, InstanceSpec spec, InstanceRuntime runtime, LoadedProcessor processor, List<Shard> shards) {
    return Behaviors.withTimers(timers -> new MapMaster(ctx, timers, spec, runtime, processor, shards).start());
  }

  private MapMaster(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, InstanceSpec spec, InstanceRuntime runtime, LoadedProcessor processor,
      List<Shard> shardList) {
    super(ctx, timers, spec, runtime, processor);
    this.shardList = shardList;
    this.shards = shardList.size();
    if (runtime.masterLog().enabled() && resumable(spec.xattrs())) {
      ActorRef<Command> self = ctx.getSelf();
      log = new OperationLog(runtime.masterLog(), spec.instanceId(), spec.masterEpoch(), runtime.pool()::execute,
          why -> self.tell(new Fenced(why)), runtime.pool().observer()::masterLogUnstored);
      timers.startTimerWithFixedDelay(FlushTick.INSTANCE, LOG_FLUSH);
    } else {
      log = null;
    }
  }

  private Behavior<Command> start() {
    return spec.masterEpoch() > 0 ? readLog() : startFresh();
  }

  private Behavior<Command> startFresh() {
    if (shards > 0) {
      for (Shard shard : shardList) {
        create(-1, Long.toString(shard.id()), runtime.codec().encodeShard(shard), 0);
      }
      return dispatch();
    }
    // The root task (id 0) runs on the master itself, as in SchedulerX.
    create(-1, JobContext.ROOT_TASK_NAME, runtime.codec().encode(JobContext.ROOT_TASK_NAME), 0);
    sendBatch(runtime.self(), 1);
    return this;
  }

  /** A job turns master resume off with {@code "resume": false} in its xattrs; on by default. */
  static boolean resumable(String xattrs) {
    if (xattrs == null || xattrs.isBlank()) {
      return true;
    }
    try {
      return JSON.readTree(xattrs).path("resume").asBoolean(true);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return true;
    }
  }

  private long create(long parent, String name, byte[] body, long hash) {
    long id = store.create(name, body);
    if (log != null) {
      log.created(parent, name, body, hash);
    }
    return id;
  }

  /**
   * Resume: claim the workers (from now on they take this instance's tasks from this master only, and drop what the
   * replaced master gave them, should it come back), read every segment the masters before this one stored, then
   * rebuild the store from them.
   */
  private Behavior<Command> readLog() {
    for (String worker : live) {
      runtime.peers().claim(worker, spec, spec.masterEpoch());
    }
    loading = true;
    getContext().pipeToSelf(MasterLogReader.readAll(runtime.masterLog(), spec.instanceId(), spec.masterEpoch()),
        (segments, failure) -> new LogRead(segments, failure));
    return this;
  }

  private Behavior<Command> onLogRead(LogRead read) {
    if (isFinished()) {
      return this;
    }
    loading = false;
    if (read.failure() != null) {
      return abandon("its log could not be read: " + rootMessage(read.failure()));
    }
    boolean[] reduceStarted = {false};
    try {
      MasterLogReader.replay(read.segments(), new OperationLogCodec.Replay() {
        @Override
        public void created(long parent, String name, byte[] body, long hash) {
          store.create(name, body);
          if (parent >= 0) {
            mappedBy.merge(parent, 1L, Long::sum);
            createdHash.put(parent, hash);
          }
        }

        @Override
        public void finished(long taskId, TaskStatus status, String result) {
          store.finish(taskId, status, result);
        }

        @Override
        public void reduceStarted() {
          reduceStarted[0] = true;
        }
      });
    } catch (IllegalArgumentException e) {
      return abandon(e.getMessage());
    }
    if (store.total() == 0) {
      getContext().getLog().info("{}: resumed at epoch {} with an empty log: it starts from the beginning", spec.label(), spec.masterEpoch());
      return startFresh();
    }
    for (Long parent : mappedBy.keySet()) {
      if (!store.isFinished(parent)) {
        rerunning.add(parent); // maps again; what its earlier run created is skipped, and must be the same
      }
    }
    replayedFinished = store.succeeded() + store.failed();
    runtime.pool().observer().masterResumed(store.waiting());
    // In the instance's log too (the MDC ships it), next to the server's line naming the lost master.
    TaskMdc.run(masterContext(), () -> getContext().getLog().info(
        "{}: resumed at epoch {} from {} log segment(s): {} task(s), {} finished and kept, {} unfinished (waiting, or "
            + "running when the previous master was lost) run under this master{}",
        spec.label(), spec.masterEpoch(), read.segments().size(), store.total(), store.succeeded() + store.failed(),
        store.waiting(), reduceStarted[0] ? "; reduce had started and runs again" : ""));
    return afterProgress();
  }

  /** The resume cannot give the exact result: the instance fails with the reason, and the job's retry rule applies. */
  private Behavior<Command> abandon(String why) {
    String reason = "resume at epoch " + spec.masterEpoch() + " abandoned: " + why;
    getContext().getLog().warn("{}: {}", spec.label(), reason);
    store.failUnfinished(reason);
    return finish(InstanceStatus.FAILED, reason);
  }

  private Behavior<Command> onFenced(Fenced fenced) {
    if (isFinished()) {
      return this;
    }
    // Not a failure of the instance: it goes on under its new master. Nothing is reported, nothing killed (a kill
    // would reach the new master's tasks on the same workers too): the new master claimed its workers, and this
    // worker's own containers drop what this master gave them.
    TaskMdc.run(masterContext(), () -> getContext().getLog().warn("{}: this master stops at epoch {}: {}", spec.label(),
        spec.masterEpoch(), fenced.why()));
    runtime.peers().release(spec, spec.masterEpoch());
    log.close();
    store.close();
    return Behaviors.stopped();
  }

  @Override
  public Receive<Command> createReceive() {
    return commonHandlers()
        .onMessage(MapTasks.class, this::onMap)
        .onMessage(Reduced.class, this::onReduced)
        .onMessage(LogRead.class, this::onLogRead)
        .onMessage(Fenced.class, this::onFenced)
        .onMessage(ReduceCleared.class, this::onReduceCleared)
        .onMessage(Settled.class, this::onSettled)
        .onMessage(NotDeterministic.class, n -> isFinished() ? this : notDeterministic(n.parent()))
        .onMessageEquals(FlushTick.INSTANCE, () -> { log.cut(); return this; })
        .build();
  }

  private Behavior<Command> onMap(MapTasks map) {
    if (isFinished() || reducing || settling) {
      map.replyTo().tell(new MapReply(false, false, spec.label() + " is no longer running"));
      return this;
    }
    if (loading) {
      map.replyTo().tell(new MapReply(false, true, spec.label() + " is resuming: try again shortly"));
      return this;
    }
    long parent = map.parentTaskId();
    long created = mappedBy.getOrDefault(parent, 0L);
    long sent = sentByThisRun.getOrDefault(parent, 0L);
    long hash = runHash.getOrDefault(parent, 0L);
    long createdBefore = created;
    for (byte[] body : map.bodies()) {
      hash = OperationLogCodec.hash(hash, map.taskName(), body);
      if (sent++ >= created) {
        create(parent, map.taskName(), body, hash);
        created++;
      } else if (sent == created && hash != createdHash.getOrDefault(parent, 0L)) {
        map.replyTo().tell(new MapReply(false, false, spec.label() + ": map() of task " + parent + " is not deterministic"));
        return notDeterministic(parent);
      }
    }
    if (created > createdBefore) {
      createdHash.put(parent, hash);
    }
    mappedBy.put(parent, created);
    sentByThisRun.put(parent, sent);
    runHash.put(parent, hash);
    map.replyTo().tell(new MapReply(true, false, ""));
    return dispatch();
  }

  /**
   * A parent that runs again must create what its first run created, in the same order: else the sub-tasks
   * already done stand for other work than the new ones, and no result can be exact.
   */
  private Behavior<Command> notDeterministic(long parent) {
    String why = "map() of task " + parent + " (" + store.name(parent) + ") did not create the same sub-tasks when it ran again: "
        + "its output is not deterministic";
    getContext().getLog().warn("{}: {}", spec.label(), why);
    for (String worker : live) {
      runtime.peers().kill(worker, spec);
    }
    store.failUnfinished(why);
    return finish(InstanceStatus.FAILED, spec.masterEpoch() > 0 ? "resume at epoch " + spec.masterEpoch() + " abandoned: " + why : why);
  }

  @Override
  protected void taskFinished(long taskId, TaskStatus status, String result) {
    if (log != null) {
      log.finished(taskId, status, result);
    }
    if (!rerunning.isEmpty() && rerunning.remove(taskId) && status == TaskStatus.SUCCESS
        && sentByThisRun.getOrDefault(taskId, 0L) < mappedBy.getOrDefault(taskId, 0L)) {
      getContext().getSelf().tell(new NotDeterministic(taskId));
    }
  }

  private record NotDeterministic(long parent) implements Internal {}

  @Override
  protected Behavior<Command> afterProgress() {
    if (reducing || settling) {
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
      if (store.status(parent) == TaskStatus.INIT) {
        sentByThisRun.put(parent, 0L); // it runs again from the start
        runHash.put(parent, 0L);
        rerunning.add(parent);
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
    if (log != null) {
      // Reduce runs once the log says so: a master the server replaced in the meantime must not reduce.
      getContext().pipeToSelf(log.settle(true), ReduceCleared::new);
      return this;
    }
    return reduce();
  }

  private Behavior<Command> onReduceCleared(ReduceCleared cleared) {
    if (isFinished()) {
      return this;
    }
    if (cleared.failure() == null && cleared.appended() == MasterLog.Appended.FENCED) {
      return onFenced(new Fenced("the server refused the start of reduce: a newer master has the instance"));
    }
    return reduce();
  }

  private Behavior<Command> reduce() {
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

  /**
   * With a log, the end is reported only once the server stored the log up to it: a master that was replaced
   * while away (SIGSTOP, network cut) learns it here and stops, instead of reporting and releasing the workers,
   * which would destroy its successor's tasks on them.
   */
  @Override
  protected Behavior<Command> finish(InstanceStatus status, String result) {
    if (log == null || settled) {
      if (log != null) {
        log.close();
      }
      return super.finish(status, result);
    }
    if (!settling) {
      settling = true;
      getContext().pipeToSelf(log.settle(false),
          (appended, failure) -> new Settled(status, result, failure == null ? appended : MasterLog.Appended.STORED));
    }
    return this;
  }

  private Behavior<Command> onSettled(Settled s) {
    if (s.appended() == MasterLog.Appended.FENCED) {
      return onFenced(new Fenced("the server refused the instance's end: a newer master has it"));
    }
    settled = true;
    return finish(s.status(), s.result());
  }

  @Override
  protected String taskLabel(long taskId) {
    return shards > 0 ? "shard " + store.name(taskId) : super.taskLabel(taskId);
  }

  @Override
  protected String progressJson() {
    return ProgressJson.of(store, true, log == null ? -1 : replayedFinished + log.storedFinals());
  }
}
