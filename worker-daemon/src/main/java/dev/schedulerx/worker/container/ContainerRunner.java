package dev.schedulerx.worker.container;

import static java.util.Objects.requireNonNull;

import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.worker.plugin.LoadedProcessor;
import dev.schedulerx.worker.plugin.PluginRegistry;
import dev.schedulerx.worker.plugin.ProcessorInvoker;
import dev.schedulerx.worker.task.TaskBodyCodec;
import dev.schedulerx.worker.task.TaskContext;
import dev.schedulerx.worker.task.TaskMdc;
import dev.schedulerx.worker.task.TaskSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Runs the tasks masters hand to this worker (broadcast, Map, MapReduce, sharding) and reports each final
 * outcome through the {@link MasterChannel}.
 *
 * <p>Tasks wait in one queue per instance; the instances with waiting tasks take turns, so all of them
 * share the daemon's {@link ContainerPool} and a big instance does not starve a small one. At most
 * {@link ContainerPool#threads()} × {@link #HANDED_OUT_PER_THREAD} tasks are handed to the pool at once, and at most {@link
 * TaskGroup#consumers()} of one instance when the master set a limit. Processors run on the pool through
 * {@link ProcessorInvoker}, never on this actor's dispatcher; their outcome comes back as a message.
 *
 * <p>A FAILED task is re-run locally after {@link TaskGroup#retryInterval()} as long as {@link
 * TaskGroup#retries(long)} allows; only its last outcome is reported. A killed task is reported FAILED
 * {@value #KILLED} at once, its thread interrupted and the processor's kill hook called (on the pool).
 */
public final class ContainerRunner extends AbstractBehavior<ContainerRunner.Command> {

  /** What the runner accepts. */
  public sealed interface Command permits Start, Refuse, Kill, Destroy, Fence, EndsWaiting, RetryDue {}

  /** Run these tasks, all of {@code group}'s instance. */
  public record Start(TaskGroup group, List<ContainerTask> tasks) implements Command {
    public Start {
      requireNonNull(group, "group");
      tasks = List.copyOf(tasks);
    }
  }

  /** Report these tasks FAILED with {@code reason} without running them. */
  public record Refuse(List<ContainerTask> tasks, String reason) implements Command {
    public Refuse {
      tasks = List.copyOf(tasks);
      requireNonNull(reason, "reason");
    }
  }

  /**
   * Kill the instance's tasks on this worker, or only {@code taskId} when present. A whole-instance kill
   * also refuses the instance's tasks that arrive later.
   */
  public record Kill(long instanceId, OptionalLong taskId) implements Command {
    public Kill {
      requireNonNull(taskId, "taskId");
    }
  }

  /** The master is done with the instance: flush its reports and forget it; leftover tasks are dropped. */
  public record Destroy(long instanceId) implements Command {}

  /**
   * Master resume: from {@code epoch} on, the instance's tasks come from the master at {@code masterPath} only; those
   * of other masters are dropped (not reported: their master was replaced) and refused from now on. An empty path
   * takes every master's up to {@code epoch} (a replaced master giving up its own share). A later epoch wins; at the
   * same epoch a named master wins over an empty one.
   */
  public record Fence(long instanceId, int epoch, String masterPath) implements Command {
    public Fence {
      requireNonNull(masterPath, "masterPath");
    }

    boolean supersedes(Fence other) {
      return epoch > other.epoch || epoch == other.epoch && other.masterPath.isEmpty() && !masterPath.isEmpty();
    }

    boolean admits(TaskGroup group) {
      return masterPath.equals(group.masterPath());
    }
  }

  /** Fences kept: instance ids are never reused, and a fence matters only while its replaced master may still send. */
  static final int FENCES_KEPT = 4096;

  private record TaskEnded(long instanceId, long runId, ProcessResult result, Throwable failure) {}

  private record RetryDue(long instanceId, long retryId) implements Command {}

  /** Task ends wait in {@link #ended}: one message for however many ended since the last one. */
  private enum EndsWaiting implements Command { INSTANCE }

  /** Result text of a killed task. */
  public static final String KILLED = "killed";

  private final PluginRegistry plugins;
  private final ProcessorInvoker invoker;
  private final ContainerPool pool;
  private final TaskBodyCodec codec;
  private final MasterChannel master;
  private final String workerAddr;
  private final Map<Long, InstanceState> instances = new HashMap<>();
  /** The current fence of instances that changed master, oldest first. */
  private final Map<Long, Fence> fences = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Fence> eldest) {
      return size() > FENCES_KEPT;
    }
  };
  /** Instances with a task that may start now, in turn order. */
  private final ArrayDeque<InstanceState> ready = new ArrayDeque<>();
  /** Tasks handed to the pool whose end has not come back yet (killed ones included). */
  private int active;
  private long nextRunId;
  /**
   * Ends of tasks, queued by the pool threads. Rather than one actor message per task, a thread sends
   * {@link EndsWaiting} only when it finds no earlier one pending, and the actor handles every end queued
   * by then in one go: per trivial task this saves a message, a mailbox wake-up and a report hand-over.
   */
  private final ConcurrentLinkedQueue<TaskEnded> ended = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean endsSignalled = new AtomicBoolean();
  /** Final statuses collected while handling {@link EndsWaiting}, handed to the channel together. */
  private List<MasterChannel.Outcome> outgoing;
  private long nextRetryId;

  /** One running task; {@code context} is also what the kill hook receives. */
  private record Run(ContainerTask task, LoadedProcessor processor, TaskContext context, ContainerPool.Running<ProcessResult> handle) {}

  /** Everything this worker knows about one instance. */
  private static final class InstanceState {
    final long instanceId;
    final ArrayDeque<ContainerTask> queued = new ArrayDeque<>();
    final Map<Long, Run> running = new HashMap<>(); // by run id
    final Map<Long, ContainerTask> waitingRetry = new HashMap<>(); // by retry id
    Set<Long> killedTasks = Set.of();
    /** When each start request of this instance reached the runner (System.nanoTime), for dispatch latency. */
    final Map<TaskGroup, Long> arrivedAt = new IdentityHashMap<>();
    boolean killed;
    boolean killHookCalled;
    boolean inTurn;

    InstanceState(long instanceId) {
      this.instanceId = instanceId;
    }

    boolean idle() {
      return queued.isEmpty() && running.isEmpty() && waitingRetry.isEmpty() && !killed && killedTasks.isEmpty();
    }

    boolean mayStartAnother() {
      ContainerTask next = queued.peek();
      if (next == null) {
        return false;
      }
      int limit = next.group().consumers();
      return limit <= 0 || running.size() < limit;
    }
  }

  /**
   * @param workerAddr this worker's {@code host:port}, as processors see it
   */
  public static Behavior<Command> create(
      PluginRegistry plugins, ProcessorInvoker invoker, ContainerPool pool, TaskBodyCodec codec, MasterChannel master, String workerAddr) {
    return Behaviors.setup(ctx -> new ContainerRunner(ctx, plugins, invoker, pool, codec, master, workerAddr));
  }

  private ContainerRunner(
      ActorContext<Command> ctx,
      PluginRegistry plugins,
      ProcessorInvoker invoker,
      ContainerPool pool,
      TaskBodyCodec codec,
      MasterChannel master,
      String workerAddr) {
    super(ctx);
    ctx.setLoggerName(ContainerRunner.class);
    this.plugins = requireNonNull(plugins, "plugins");
    this.invoker = requireNonNull(invoker, "invoker");
    this.pool = requireNonNull(pool, "pool");
    this.codec = requireNonNull(codec, "codec");
    this.master = requireNonNull(master, "master");
    this.workerAddr = requireNonNull(workerAddr, "workerAddr");
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Start.class, this::onStart)
        .onMessage(Refuse.class, this::onRefuse)
        .onMessage(Kill.class, this::onKill)
        .onMessage(Destroy.class, this::onDestroy)
        .onMessage(Fence.class, this::onFence)
        .onMessageEquals(EndsWaiting.INSTANCE, this::onEndsWaiting)
        .onMessage(RetryDue.class, this::onRetryDue)
        .build();
  }

  private Behavior<Command> onStart(Start start) {
    TaskGroup group = start.group();
    long arrived = System.nanoTime();
    InstanceState state = instances.computeIfAbsent(group.instanceId(), InstanceState::new);
    if (state.killed) {
      getContext().getLog().info("{}: refusing {} task(s), the instance was killed", group.instance().label(), start.tasks().size());
      start.tasks().forEach(t -> report(t, TaskStatus.FAILED, KILLED));
      return this;
    }
    Fence fence = fences.get(group.instanceId());
    if (fence != null && !fence.admits(group)) {
      getContext().getLog().info("{}: refusing {} task(s) of master {}: it was replaced at epoch {}", group.instance().label(),
          start.tasks().size(), group.masterPath(), fence.epoch());
      forgetIfIdle(state);
      return this;
    }
    String processor = group.instance().processor();
    if (plugins.find(processor).isEmpty()) {
      getContext().getLog().warn("{}: processor {} not found, {} task(s) FAILED", group.instance().label(), processor, start.tasks().size());
      start.tasks().forEach(t -> report(t, TaskStatus.FAILED, notFound(processor)));
      forgetIfIdle(state);
      return this;
    }
    int queuedBefore = state.queued.size();
    for (ContainerTask task : start.tasks()) {
      if (state.killedTasks.contains(task.taskId())) {
        report(task, TaskStatus.FAILED, KILLED);
      } else {
        state.queued.add(task);
      }
    }
    state.arrivedAt.put(group, arrived);
    pool.observer().queued(state.queued.size() - queuedBefore);
    getContext().getLog().debug("{}: {} task(s) accepted, {} queued", group.instance().label(), start.tasks().size(), state.queued.size());
    takeTurn(state);
    dispatch();
    return this;
  }

  private Behavior<Command> onRefuse(Refuse refuse) {
    refuse.tasks().forEach(t -> report(t, TaskStatus.FAILED, refuse.reason()));
    return this;
  }

  private Behavior<Command> onKill(Kill kill) {
    InstanceState state = instances.computeIfAbsent(kill.instanceId(), InstanceState::new);
    OptionalLong only = kill.taskId();
    if (only.isEmpty()) {
      state.killed = true;
    } else {
      if (state.killedTasks.isEmpty()) {
        state.killedTasks = new HashSet<>();
      }
      state.killedTasks.add(only.getAsLong());
    }
    Run hookTarget = null;
    ContainerTask droppedTask = null;
    int killed = 0;
    int queuedBefore = state.queued.size();
    for (Iterator<Run> it = state.running.values().iterator(); it.hasNext(); ) {
      Run run = it.next();
      if (matches(only, run.task())) {
        it.remove();
        run.handle().interrupt();
        report(run.task(), TaskStatus.FAILED, KILLED);
        hookTarget = hookTarget == null ? run : hookTarget;
        killed++;
      }
    }
    for (Iterable<ContainerTask> waiting : List.of(state.waitingRetry.values(), state.queued)) {
      for (Iterator<ContainerTask> it = waiting.iterator(); it.hasNext(); ) {
        ContainerTask task = it.next();
        if (matches(only, task)) {
          it.remove();
          report(task, TaskStatus.FAILED, KILLED);
          droppedTask = droppedTask == null ? task : droppedTask;
          killed++;
        }
      }
    }
    pool.observer().queued(state.queued.size() - queuedBefore);
    getContext().getLog().info("instance {}{}: {} task(s) killed", kill.instanceId(),
        only.isPresent() ? " task " + only.getAsLong() : "", killed);
    if (only.isPresent() || !state.killHookCalled) {
      if (hookTarget != null) {
        callKillHook(hookTarget.processor(), hookTarget.context());
      } else if (droppedTask != null) {
        Optional<LoadedProcessor> processor = plugins.find(droppedTask.group().instance().processor());
        if (processor.isPresent()) {
          callKillHook(processor.get(), context(droppedTask));
        }
      }
      if (only.isEmpty() && (hookTarget != null || droppedTask != null)) {
        state.killHookCalled = true;
      }
    }
    master.flush(kill.instanceId());
    dispatch();
    return this;
  }

  private Behavior<Command> onDestroy(Destroy destroy) {
    InstanceState state = instances.remove(destroy.instanceId());
    if (state != null) {
      int left = state.queued.size() + state.running.size() + state.waitingRetry.size();
      if (left > 0) {
        getContext().getLog().info("instance {} destroyed by its master: dropping {} unfinished task(s)", destroy.instanceId(), left);
      }
      state.running.values().forEach(run -> run.handle().interrupt());
      pool.observer().queued(-state.queued.size());
      if (state.inTurn) {
        ready.remove(state);
      }
    }
    master.flush(destroy.instanceId());
    return this;
  }

  private Behavior<Command> onFence(Fence fence) {
    Fence current = fences.get(fence.instanceId());
    if (current != null && !fence.supersedes(current)) {
      return this;
    }
    fences.put(fence.instanceId(), fence);
    InstanceState state = instances.get(fence.instanceId());
    if (state == null) {
      return this;
    }
    int queuedBefore = state.queued.size();
    int dropped = 0;
    for (Iterable<ContainerTask> waiting : List.of(state.waitingRetry.values(), state.queued)) {
      for (Iterator<ContainerTask> it = waiting.iterator(); it.hasNext(); ) {
        if (!fence.admits(it.next().group())) {
          it.remove();
          dropped++;
        }
      }
    }
    for (Iterator<Run> it = state.running.values().iterator(); it.hasNext(); ) {
      Run run = it.next();
      if (!fence.admits(run.task().group())) {
        it.remove(); // its end, when it comes, finds no run: nothing is reported to the replaced master
        run.handle().interrupt();
        dropped++;
      }
    }
    pool.observer().queued(state.queued.size() - queuedBefore);
    if (dropped > 0) {
      getContext().getLog().info("instance {}: {} task(s) of a replaced master dropped (master at epoch {}: {})",
          fence.instanceId(), dropped, fence.epoch(), fence.masterPath().isEmpty() ? "another worker" : fence.masterPath());
    }
    if (state.inTurn && !state.mayStartAnother()) {
      ready.remove(state);
      state.inTurn = false;
    }
    forgetIfIdle(state);
    dispatch();
    return this;
  }

  private Behavior<Command> onEndsWaiting() {
    endsSignalled.set(false); // before polling: an end queued from now on signals again
    outgoing = new ArrayList<>();
    try {
      for (TaskEnded next = ended.poll(); next != null; next = ended.poll()) {
        taskEnded(next);
      }
    } finally {
      List<MasterChannel.Outcome> outcomes = outgoing;
      outgoing = null;
      if (!outcomes.isEmpty()) {
        master.reportAll(outcomes);
      }
    }
    dispatch();
    return this;
  }

  private void taskEnded(TaskEnded ended) {
    active--;
    InstanceState state = instances.get(ended.instanceId());
    Run run = state == null ? null : state.running.remove(ended.runId());
    if (run != null) { // else killed (already reported) or destroyed
      ProcessResult result = ended.failure() == null ? ended.result() : crashed(ended.failure());
      ContainerTask task = run.task();
      if (!result.isSuccess() && task.mayRetry()) {
        scheduleRetry(state, task, result);
      } else {
        report(task, result.isSuccess() ? TaskStatus.SUCCESS : TaskStatus.FAILED, result.result());
      }
      takeTurn(state);
      forgetIfIdle(state);
    }
  }

  private Behavior<Command> onRetryDue(RetryDue due) {
    InstanceState state = instances.get(due.instanceId());
    ContainerTask task = state == null ? null : state.waitingRetry.remove(due.retryId());
    if (task != null) {
      state.queued.addFirst(task);
      pool.observer().queued(1);
      takeTurn(state);
      dispatch();
    }
    return this;
  }

  private void scheduleRetry(InstanceState state, ContainerTask task, ProcessResult failed) {
    long retryId = nextRetryId++;
    ContainerTask next = task.nextAttempt();
    state.waitingRetry.put(retryId, next);
    getContext().getLog().info("{} task {} failed at attempt {} ({}); re-run {} of {} in {} s",
        task.group().instance().label(), task.taskId(), task.attempt(), failed.result(), next.attempt(),
        task.group().retries(task.taskId()), task.group().retryInterval().toSeconds());
    RetryDue due = new RetryDue(state.instanceId, retryId);
    if (task.group().retryInterval().isZero()) {
      getContext().getSelf().tell(due);
    } else {
      getContext().scheduleOnce(task.group().retryInterval(), getContext().getSelf(), due);
    }
  }

  /**
   * Tasks handed to the pool per thread. More than one, so a thread that finishes a task takes the next
   * from the executor's queue at once instead of waiting for this actor to hear of the end (measured:
   * with one per thread, threads idled between tasks and a worker ran some 15,000 trivial tasks/s). Ends
   * come back to this actor in bunches, so it refills in bunches too: enough must be handed out that the
   * threads stay busy in between.
   */
  static final int HANDED_OUT_PER_THREAD = 16;

  /** Hands queued tasks to the pool, instance by instance in turn, while it has room. */
  private void dispatch() {
    while (active < pool.threads() * HANDED_OUT_PER_THREAD && !ready.isEmpty()) {
      InstanceState state = ready.poll();
      state.inTurn = false;
      if (!state.mayStartAnother()) {
        continue; // back in turn when one of its tasks ends
      }
      launch(state, state.queued.poll());
      takeTurn(state);
    }
  }

  private void takeTurn(InstanceState state) {
    if (!state.inTurn && state.mayStartAnother()) {
      ready.add(state);
      state.inTurn = true;
    }
  }

  private void launch(InstanceState state, ContainerTask task) {
    pool.observer().queued(-1);
    String name = task.group().instance().processor();
    // The lease keeps this plugin version loaded (no hot reload) until the task's code has returned.
    PluginRegistry.Lease lease = plugins.acquire(name);
    Optional<LoadedProcessor> found = lease.processor();
    if (found.isEmpty()) {
      report(task, TaskStatus.FAILED, notFound(name));
      return;
    }
    LoadedProcessor processor = found.get();
    TaskContext context = context(task);
    ContainerPool.Running<ProcessResult> handle;
    try {
      // A re-run's wait counts from now: its pause before the re-run is not dispatch latency.
      Long arrived = task.attempt() == 0 ? state.arrivedAt.get(task.group()) : null;
      handle = pool.runTask(task.group().instance().jobName(), arrived != null ? arrived : System.nanoTime(),
          () -> process(processor, context));
      handle.result().whenComplete((result, failure) -> lease.close()); // also when cancelled before it ran
    } catch (RejectedExecutionException e) {
      lease.close();
      report(task, TaskStatus.FAILED, "worker is shutting down");
      return;
    }
    long runId = nextRunId++;
    active++;
    state.running.put(runId, new Run(task, processor, context, handle));
    long instanceId = state.instanceId;
    ActorRef<Command> self = getContext().getSelf();
    handle.result().whenComplete((result, failure) -> {
      ended.add(new TaskEnded(instanceId, runId, result, failure));
      if (endsSignalled.compareAndSet(false, true)) {
        self.tell(EndsWaiting.INSTANCE);
      }
    });
  }

  /** On a pool thread: the processor's process(), with the ids in the logging MDC. */
  private ProcessResult process(LoadedProcessor processor, TaskContext context) {
    return TaskMdc.call(context, () -> invoker.invoke(processor, p -> p.process(context)));
  }

  private void callKillHook(LoadedProcessor processor, TaskContext context) {
    try {
      pool.execute(() -> TaskMdc.run(context, () -> invoker.run(processor, p -> p.kill(context))));
    } catch (RejectedExecutionException e) {
      getContext().getLog().debug("kill hook of {} not called: worker is shutting down", processor.name());
    }
  }

  private TaskContext context(ContainerTask task) {
    TaskGroup group = task.group();
    TaskSpec spec =
        new TaskSpec(task.taskId(), task.taskName(), task.body(), task.attempt(), group.retries(task.taskId()),
            (int) group.retryInterval().toSeconds(), group.shardingNum());
    return new TaskContext(
        group.instance(), spec, workerAddr, Map.of(), Map.of(), codec, group.mayMap() ? master.mapper(group) : null);
  }

  private void report(ContainerTask task, TaskStatus status, String result) {
    pool.observer().finished(task.group().instance().jobName(), status);
    if (outgoing != null) {
      outgoing.add(new MasterChannel.Outcome(task.group(), task.taskId(), task.taskName(), status, result));
    } else {
      master.report(task.group(), task.taskId(), task.taskName(), status, result);
    }
  }

  private void forgetIfIdle(InstanceState state) {
    if (state.idle() && !state.inTurn) {
      instances.remove(state.instanceId);
    }
  }

  private static boolean matches(OptionalLong only, ContainerTask task) {
    return only.isEmpty() || only.getAsLong() == task.taskId();
  }

  static String notFound(String processor) {
    return "processor " + processor + " not found in the plugins directory";
  }

  private static ProcessResult crashed(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof CancellationException) {
      return ProcessResult.failure(KILLED);
    }
    return ProcessResult.failure("processor crashed: " + cause);
  }
}
