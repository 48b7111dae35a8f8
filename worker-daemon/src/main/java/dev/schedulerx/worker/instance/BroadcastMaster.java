package dev.schedulerx.worker.instance;

import dev.schedulerx.api.BroadcastProcessor;
import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.Command;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.Internal;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.MapReply;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.MapTasks;
import dev.schedulerx.worker.plugin.LoadedProcessor;
import dev.schedulerx.worker.task.InstanceSpec;
import dev.schedulerx.worker.task.TaskContext;
import dev.schedulerx.worker.task.TaskMdc;
import dev.schedulerx.worker.task.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Master of a broadcast instance: {@code preProcess} once here, then one task per worker of the group
 * (task id = the worker's index, sharding number = the worker count), then {@code postProcess} here with
 * every worker's status and result. A worker that refuses or stops answering fails its task.
 */
final class BroadcastMaster extends AbstractMaster {
  private record PreProcessed(ProcessResult result) implements Internal {}

  private record PostProcessed(Optional<ProcessResult> result) implements Internal {}

  private final List<String> targets;
  private boolean dispatched;
  private boolean postProcessing;

  static Behavior<Command> create(ActorContext<Command> ctx, InstanceSpec spec, InstanceRuntime runtime, LoadedProcessor processor) {
    return Behaviors.withTimers(timers -> new BroadcastMaster(ctx, timers, spec, runtime, processor).start());
  }

  private BroadcastMaster(ActorContext<Command> ctx, TimerScheduler<Command> timers, InstanceSpec spec, InstanceRuntime runtime, LoadedProcessor processor) {
    super(ctx, timers, spec, runtime, processor);
    this.targets = List.copyOf(live); // frozen at submit, as SchedulerX does
  }

  private Behavior<Command> start() {
    TaskContext context = masterContext();
    getContext().pipeToSelf(
        runtime.pool().run(() -> TaskMdc.call(context, () -> runtime.invoker().run(processor, p -> ((BroadcastProcessor) p).preProcess(context)))).result(),
        (result, failure) -> new PreProcessed(failure == null ? result : ProcessResult.failure(failure.toString())));
    return this;
  }

  @Override
  public Receive<Command> createReceive() {
    return commonHandlers()
        .onMessage(PreProcessed.class, this::onPreProcessed)
        .onMessage(PostProcessed.class, this::onPostProcessed)
        .onMessage(MapTasks.class, m -> { m.replyTo().tell(new MapReply(false, false, "map() is not available in broadcast mode")); return this; })
        .build();
  }

  private Behavior<Command> onPreProcessed(PreProcessed pre) {
    if (isFinished()) {
      return this;
    }
    if (pre.result().status() != InstanceStatus.SUCCESS) {
      return finish(InstanceStatus.FAILED, "preProcess failed: " + pre.result().result());
    }
    int n = targets.size();
    targets.forEach(worker -> store.create("", new byte[0]));
    for (String worker : targets) {
      sendTo(worker, n);
    }
    dispatched = true;
    return afterProgress();
  }

  /** Sends the worker's single task (the next waiting one, which is that worker's index). */
  private void sendTo(String worker, int workers) {
    var tasks = store.dispatch(worker, 1);
    List<TaskSpec> specs = new ArrayList<>(1);
    for (var t : tasks) {
      specs.add(new TaskSpec(t.id(), "", null, 0, retry.maxAttempt(), retry.intervalSeconds(), workers));
    }
    send(worker, specs);
  }

  @Override
  protected Behavior<Command> workerLost(String worker, String why) {
    live.remove(worker);
    int lost = store.requeue(worker);
    // A broadcast task belongs to its worker: it cannot run elsewhere, so it fails.
    for (long id = 0; id < store.total(); id++) {
      if (!store.isFinished(id) && store.status(id) == TaskStatus.INIT) {
        store.finish(id, TaskStatus.FAILED, "worker " + worker + " " + why);
      }
    }
    getContext().getLog().warn("{}: worker {} {}; its {} task(s) failed", spec.label(), worker, why, lost);
    return afterProgress();
  }

  @Override
  protected Behavior<Command> afterProgress() {
    if (!dispatched || postProcessing || !store.isComplete()) {
      return this;
    }
    postProcessing = true;
    TaskContext context = masterContext();
    getContext().pipeToSelf(
        runtime.pool().run(() -> TaskMdc.call(context, () -> runtime.invoker().invokeAllowingNoResult(processor, p -> ((BroadcastProcessor) p).postProcess(context)))).result(),
        (result, failure) -> new PostProcessed(failure == null ? result : Optional.of(ProcessResult.failure("postProcess crashed: " + failure))));
    return this;
  }

  private Behavior<Command> onPostProcessed(PostProcessed post) {
    long n = store.total();
    InstanceStatus status = store.failed() > 0 ? InstanceStatus.FAILED : InstanceStatus.SUCCESS;
    String result = status == InstanceStatus.SUCCESS
        ? n + " of " + n + " workers succeeded"
        : store.failed() + " of " + n + " workers failed (first " + firstFailure() + ")";
    if (post.result().isPresent()) {
      ProcessResult r = post.result().get();
      if (r.status() != InstanceStatus.SUCCESS) {
        return finish(InstanceStatus.FAILED, "postProcess failed: " + r.result());
      }
      if (!r.result().isEmpty()) {
        result = status == InstanceStatus.SUCCESS ? r.result() : result + "; postProcess: " + r.result();
      }
    }
    return finish(status, result);
  }

  @Override
  protected String progressJson() {
    return ProgressJson.of(store, false);
  }
}
