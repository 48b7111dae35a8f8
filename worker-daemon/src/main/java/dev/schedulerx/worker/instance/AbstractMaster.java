package dev.schedulerx.worker.instance;

import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.Command;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.Internal;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.Kill;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.TaskOutcome;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.TaskReports;
import dev.schedulerx.worker.plugin.LoadedProcessor;
import dev.schedulerx.worker.store.TaskStore;
import dev.schedulerx.worker.task.InstanceSpec;
import dev.schedulerx.worker.task.TaskContext;
import dev.schedulerx.worker.task.TaskMdc;
import dev.schedulerx.worker.task.TaskSpec;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * What broadcast and map masters share: the task store, the live workers and their liveness checks,
 * sending tasks, applying reports, progress, kill, and the final report. Subclasses decide what to send
 * and what happens when every task has finished.
 */
abstract class AbstractMaster extends AbstractBehavior<Command> {
  private enum AliveTick implements Internal { INSTANCE }

  private enum ProgressTick implements Internal { INSTANCE }

  private enum Sent implements Internal { INSTANCE }

  /** @param heardBefore status batches from the worker applied when the check before this one was sent */
  private record AliveAnswer(String worker, boolean alive, long heardBefore) implements Internal {}

  private record SendFailed(String worker, String reason) implements Internal {}

  protected final InstanceSpec spec;
  protected final InstanceRuntime runtime;
  protected final LoadedProcessor processor;
  protected final TaskStore store;
  /** Sub-task retries from the job's xattrs, passed on with every task. */
  protected final TaskRetry retry;
  /** Workers tasks may still go to, in the server's order (the master first). */
  protected final Set<String> live = new LinkedHashSet<>();
  private final Set<String> everUsed = new LinkedHashSet<>();
  private final Map<String, Integer> missedChecks = new HashMap<>();
  /** Status batches applied per worker {@code host:port}: a worker that reports is alive. */
  private final Map<String, Long> heardFrom = new HashMap<>();
  /** {@link #heardFrom} of each worker when it was last checked. */
  private final Map<String, Long> heardAtCheck = new HashMap<>();
  private boolean finished;

  protected AbstractMaster(ActorContext<Command> ctx, TimerScheduler<Command> timers, InstanceSpec spec, InstanceRuntime runtime, LoadedProcessor processor) {
    super(ctx);
    this.spec = spec;
    this.runtime = runtime;
    this.processor = processor;
    this.store = new TaskStore(runtime.dispatch().memoryBudgetBytes(), runtime.dispatch().spillDir());
    this.retry = TaskRetry.of(spec.xattrs());
    live.add(runtime.self());
    live.addAll(spec.workers());
    timers.startTimerWithFixedDelay(AliveTick.INSTANCE, runtime.dispatch().aliveInterval());
    timers.startTimerWithFixedDelay(ProgressTick.INSTANCE, runtime.dispatch().progressInterval());
    getContext().getLog().info("{} starts as {} master on processor {} with {} worker(s)",
        spec.label(), spec.executeMode(), processor.name(), live.size());
    runtime.status().report(spec, InstanceStatus.RUNNING, "", null);
  }

  /** Handlers every master has; subclasses add their own and build. */
  protected ReceiveBuilder<Command> commonHandlers() {
    return newReceiveBuilder()
        .onMessage(TaskReports.class, this::onReports)
        .onMessage(Kill.class, this::onKill)
        .onMessageEquals(AliveTick.INSTANCE, this::onAliveTick)
        .onMessage(AliveAnswer.class, this::onAliveAnswer)
        .onMessageEquals(ProgressTick.INSTANCE, () -> { runtime.status().progress(spec, progressJson()); return this; })
        .onMessage(SendFailed.class, this::onSendFailed)
        .onMessageEquals(Sent.INSTANCE, () -> this);
  }

  /** Sends tasks to a worker; a refusal or timeout comes back as a failed send. */
  protected void send(String worker, List<TaskSpec> tasks) {
    everUsed.add(worker);
    getContext().pipeToSelf(runtime.peers().startTasks(worker, spec, tasks),
        (ok, failure) -> failure == null ? Sent.INSTANCE : new SendFailed(worker, rootMessage(failure)));
  }

  private Behavior<Command> onReports(TaskReports reports) {
    for (TaskOutcome o : reports.outcomes()) {
      if (store.finish(o.taskId(), o.status(), o.result())) {
        taskFinished(o.taskId(), o.status(), o.result());
      }
    }
    heardFrom.merge(hostPort(reports.worker()), 1L, Long::sum);
    reports.replyTo().tell(Done.getInstance());
    return finished ? this : afterProgress();
  }

  private Behavior<Command> onAliveTick() {
    for (String worker : live) {
      if (store.inFlight(worker) > 0) {
        Long previous = heardAtCheck.put(worker, heardFrom.getOrDefault(hostPort(worker), 0L));
        long heard = previous == null ? 0 : previous;
        getContext().pipeToSelf(runtime.peers().checkAlive(worker, spec.instanceId()), (ok, failure) -> new AliveAnswer(worker, failure == null, heard));
      }
    }
    return this;
  }

  private Behavior<Command> onAliveAnswer(AliveAnswer answer) {
    // Statuses that came in since the check before prove the worker alive: the check may merely queue
    // behind a long run of start requests on the way to a busy worker.
    if (answer.alive() || heardFrom.getOrDefault(hostPort(answer.worker()), 0L) > answer.heardBefore()) {
      missedChecks.remove(answer.worker());
      return this;
    }
    int missed = missedChecks.merge(answer.worker(), 1, Integer::sum);
    if (missed < runtime.dispatch().aliveMisses() || !live.contains(answer.worker())) {
      return this;
    }
    return workerLost(answer.worker(), "did not answer " + missed + " liveness checks");
  }

  private Behavior<Command> onSendFailed(SendFailed failed) {
    if (finished || !live.contains(failed.worker())) {
      return this;
    }
    return workerLost(failed.worker(), "refused tasks: " + failed.reason());
  }

  /** A task's first final status was just applied (the ones after it are ignored). */
  protected void taskFinished(long taskId, TaskStatus status, String result) {}

  /** A worker is gone: what it held is re-dispatched (map) or failed (broadcast). */
  protected abstract Behavior<Command> workerLost(String worker, String why);

  /** Called after every change of task state; decides whether to dispatch more or finish. */
  protected abstract Behavior<Command> afterProgress();

  private Behavior<Command> onKill(Kill kill) {
    if (finished) {
      return this;
    }
    for (String worker : everUsed) {
      runtime.peers().kill(worker, spec);
    }
    TaskContext context = masterContext();
    runtime.pool().execute(() -> TaskMdc.run(context, () -> runtime.invoker().run(processor, p -> p.kill(context))));
    store.failUnfinished("killed");
    return finish(InstanceStatus.FAILED, "killed: " + kill.reason());
  }

  /** A context for master-side hooks (preProcess, postProcess, reduce, kill): task id 0, child outcomes. */
  protected TaskContext masterContext() {
    return new TaskContext(spec, new TaskSpec(0, "", null, 0, 0, 0, live.size()), runtime.workerAddr(),
        store.resultsView(), store.statusesView(), runtime.codec(), null);
  }

  /** Reports the outcome, releases the workers, stops. */
  protected Behavior<Command> finish(InstanceStatus status, String result) {
    finished = true;
    ProcessResult shaped = new ProcessResult(status, result); // shortens long results as processors' are
    String progress = progressJson();
    getContext().getLog().info("{} finished {}: {} ({} task(s): {} succeeded, {} failed)",
        spec.label(), status, shaped.result(), store.total(), store.succeeded(), store.failed());
    runtime.status().report(spec, status, shaped.result(), progress);
    for (String worker : everUsed) {
      runtime.peers().destroy(worker, spec);
    }
    store.close();
    return Behaviors.stopped();
  }

  protected abstract String progressJson();

  protected boolean isFinished() {
    return finished;
  }

  /** First failed task and its result, for a failure message. */
  protected String firstFailure() {
    for (Map.Entry<Long, TaskStatus> e : store.statusesView().entrySet()) {
      if (e.getValue() == TaskStatus.FAILED) {
        return taskLabel(e.getKey()) + ": " + store.result(e.getKey());
      }
    }
    return "";
  }

  /** How a failure message names a task. */
  protected String taskLabel(long taskId) {
    return "task " + taskId;
  }

  /** {@code host:port} of a worker named {@code workerId@host:port}, as its status reports name it. */
  private static String hostPort(String worker) {
    return worker.substring(worker.lastIndexOf('@') + 1);
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
