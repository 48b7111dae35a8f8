package dev.schedulerx.worker.instance;

import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.Command;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.MapReply;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.MapTasks;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.TaskOutcome;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.TaskReports;
import dev.schedulerx.worker.plugin.LoadedProcessor;
import dev.schedulerx.worker.plugin.PluginRegistry;
import dev.schedulerx.worker.plugin.ProcessorInvoker;
import dev.schedulerx.worker.task.InstanceSpec;
import dev.schedulerx.worker.task.TaskBodyCodec;
import dev.schedulerx.worker.task.TaskContext;
import dev.schedulerx.worker.task.TaskSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The other workers of the group, in the test's JVM: a stand-in for the wire side (covered by the e2e
 * tests). Tasks a master starts on a worker run on a small executor through the {@link ProcessorInvoker},
 * with a {@link TaskContext} whose {@code map()} asks the supervisor ({@link MapTasks}), so sub-tasks can
 * map again; each outcome goes back as a {@link TaskReports}.
 *
 * <p>Each worker can be scripted: {@linkplain #dead dead} (refuses tasks, misses liveness checks),
 * {@linkplain #hanging hanging} (accepts tasks, never runs them, misses liveness checks), {@linkplain #slow
 * slow} (accepts tasks and holds them until {@linkplain #release released}, answers liveness checks),
 * {@linkplain #mute mute} (runs tasks, so their {@code map()} calls reach the master, but its reports never
 * arrive and it misses liveness checks: a worker that died after mapping) and {@linkplain #duplicating
 * duplicating} (reports every task twice). Every call is recorded.
 */
final class LoopbackPeers implements Peers, AutoCloseable {
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
  /** Sub-task bodies per {@link MapTasks}, as SchedulerX's {@code workerMapPageSize}. */
  static final int MAP_PAGE = 1000;

  /** A startTasks call: which worker was offered which tasks, and whether it took them. */
  record Call(String worker, List<TaskSpec> tasks, boolean accepted) {
    List<Long> ids() {
      return tasks.stream().map(TaskSpec::taskId).toList();
    }
  }

  /** One outcome a worker sent to the master. */
  record Report(String worker, long taskId, TaskStatus status, String result) {}

  private enum Mode { RUN, HOLD, REFUSE }

  private static final class Worker {
    Mode mode = Mode.RUN;
    boolean answersAlive = true;
    boolean duplicate;
    boolean silent;
    final List<TaskSpec> held = new ArrayList<>();
    InstanceSpec instance;
    final AtomicInteger aliveChecks = new AtomicInteger();
    final AtomicInteger acked = new AtomicInteger();
  }

  private final PluginRegistry plugins;
  private final ProcessorInvoker invoker;
  private final TaskBodyCodec codec;
  private final Scheduler scheduler;
  private final ExecutorService executor;
  private final CompletableFuture<ActorRef<Command>> supervisor = new CompletableFuture<>();
  private final Map<String, Worker> workers = new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<Report> reports = new CopyOnWriteArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();

  LoopbackPeers(PluginRegistry plugins, ProcessorInvoker invoker, TaskBodyCodec codec, Scheduler scheduler) {
    this.plugins = plugins;
    this.invoker = invoker;
    this.codec = codec;
    this.scheduler = scheduler;
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "loopback-worker-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** The supervisor under test; tasks started before it is known wait for it. */
  void attach(ActorRef<Command> ref) {
    supervisor.complete(ref);
  }

  // ---- scripting ----

  /** Refuses every task (startTasks fails) and misses every liveness check. */
  LoopbackPeers dead(String worker) {
    return script(worker, Mode.REFUSE, false);
  }

  /**
   * Accepts tasks but does not run them, and misses every liveness check. {@link #releaseOne} runs them one by
   * one: a worker reachable for statuses whose checks queue behind a backlog.
   */
  LoopbackPeers hanging(String worker) {
    return script(worker, Mode.HOLD, false);
  }

  /** Accepts tasks and holds them until {@link #release}, answering liveness checks meanwhile. */
  LoopbackPeers slow(String worker) {
    return script(worker, Mode.HOLD, true);
  }

  private LoopbackPeers script(String worker, Mode mode, boolean answersAlive) {
    Worker w = worker(worker);
    synchronized (w) {
      w.mode = mode;
      w.answersAlive = answersAlive;
    }
    return this;
  }

  /** How many tasks a holding worker keeps. */
  int held(String worker) {
    Worker w = worker(worker);
    synchronized (w) {
      return w.held.size();
    }
  }

  /** Runs one task a holding worker kept, if it holds any; returns whether it did. */
  boolean releaseOne(String worker) {
    Worker w = worker(worker);
    TaskSpec task;
    InstanceSpec instance;
    synchronized (w) {
      if (w.held.isEmpty()) {
        return false;
      }
      task = w.held.remove(0);
      instance = w.instance;
    }
    executor.execute(() -> run(worker, instance, task));
    return true;
  }

  /** Runs tasks but none of its reports arrives, and misses every liveness check. */
  LoopbackPeers mute(String worker) {
    Worker w = worker(worker);
    synchronized (w) {
      w.mode = Mode.RUN;
      w.silent = true;
      w.answersAlive = false;
    }
    return this;
  }

  /** Reports every task twice. */
  LoopbackPeers duplicating(String worker) {
    Worker w = worker(worker);
    synchronized (w) {
      w.duplicate = true;
    }
    return this;
  }

  /** Runs what a holding worker kept (its reports may come late) and lets it run later tasks at once. */
  void release(String worker) {
    Worker w = worker(worker);
    List<TaskSpec> held;
    InstanceSpec instance;
    synchronized (w) {
      w.mode = Mode.RUN;
      held = List.copyOf(w.held);
      instance = w.instance;
      w.held.clear();
    }
    held.forEach(t -> executor.execute(() -> run(worker, instance, t)));
  }

  // ---- what was recorded ----

  List<Call> calls() {
    return List.copyOf(calls);
  }

  /** Ids of the tasks {@code worker} accepted, in the order it got them. */
  List<Long> taskIdsSentTo(String worker) {
    return calls.stream().filter(c -> c.worker().equals(worker) && c.accepted()).flatMap(c -> c.ids().stream()).toList();
  }

  /** Ids of every task accepted by any worker but {@code worker}. */
  List<Long> taskIdsSentToOthersThan(String worker) {
    return calls.stream().filter(c -> !c.worker().equals(worker) && c.accepted()).flatMap(c -> c.ids().stream()).toList();
  }

  /** Workers that accepted at least one task, in the order they first did. */
  Set<String> workersWithTasks() {
    Set<String> out = new LinkedHashSet<>();
    calls.stream().filter(Call::accepted).forEach(c -> out.add(c.worker()));
    return out;
  }

  List<Report> reports() {
    return List.copyOf(reports);
  }

  /** "kill &lt;worker&gt;" and "destroy &lt;worker&gt;", in call order. */
  List<String> events() {
    return List.copyOf(events);
  }

  int aliveChecks(String worker) {
    return worker(worker).aliveChecks.get();
  }

  /** Reports of {@code worker} the supervisor has acknowledged. */
  int acked(String worker) {
    return worker(worker).acked.get();
  }

  // ---- Peers ----

  @Override
  public CompletionStage<Void> startTasks(String worker, InstanceSpec instance, List<TaskSpec> tasks) {
    Worker w = worker(worker);
    synchronized (w) {
      w.instance = instance;
      calls.add(new Call(worker, List.copyOf(tasks), w.mode != Mode.REFUSE));
      switch (w.mode) {
        case REFUSE:
          return CompletableFuture.failedFuture(new IllegalStateException("worker " + worker + " is unreachable"));
        case HOLD:
          w.held.addAll(tasks);
          return CompletableFuture.completedFuture(null);
        default:
          break;
      }
    }
    tasks.forEach(t -> executor.execute(() -> run(worker, instance, t)));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> checkAlive(String worker, long instanceId) {
    Worker w = worker(worker);
    w.aliveChecks.incrementAndGet();
    synchronized (w) {
      return w.answersAlive
          ? CompletableFuture.completedFuture(null)
          : CompletableFuture.failedFuture(new TimeoutException("worker " + worker + " did not answer"));
    }
  }

  @Override
  public void kill(String worker, InstanceSpec instance) {
    events.add("kill " + worker);
  }

  @Override
  public void destroy(String worker, InstanceSpec instance) {
    events.add("destroy " + worker);
  }

  @Override
  public void claim(String worker, InstanceSpec instance, int epoch) {
    events.add("claim " + worker + " " + epoch);
  }

  @Override
  public void release(InstanceSpec instance, int epoch) {
    events.add("release " + epoch);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  // ---- running tasks ----

  private Worker worker(String name) {
    return workers.computeIfAbsent(name, n -> new Worker());
  }

  private void run(String worker, InstanceSpec instance, TaskSpec task) {
    ActorRef<Command> master;
    try {
      master = supervisor.get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      return; // test over or never attached
    }
    TaskContext context = new TaskContext(instance, task, worker.substring(worker.indexOf('@') + 1), Map.of(), Map.of(),
        codec, (caller, tasks, taskName) -> map(master, caller, tasks, taskName));
    Optional<LoadedProcessor> processor = plugins.find(instance.processor());
    ProcessResult result = processor.isEmpty()
        ? ProcessResult.failure("processor " + instance.processor() + " not found")
        : invoker.invoke(processor.get(), p -> p.process(context));
    TaskOutcome outcome = new TaskOutcome(task.taskId(), result.isSuccess() ? TaskStatus.SUCCESS : TaskStatus.FAILED, result.result());
    boolean twice;
    Worker w = worker(worker);
    synchronized (w) {
      twice = w.duplicate;
      if (w.silent) {
        return;
      }
    }
    report(master, worker, outcome);
    if (twice) {
      report(master, worker, outcome);
    }
  }

  private void report(ActorRef<Command> master, String worker, TaskOutcome outcome) {
    reports.add(new Report(worker, outcome.taskId(), outcome.status(), outcome.result()));
    AskPattern.<Command, Done>ask(master, replyTo -> new TaskReports(worker, List.of(outcome), replyTo), ASK_TIMEOUT, scheduler)
        .thenRun(() -> worker(worker).acked.incrementAndGet());
  }

  /** What a worker's map() does: pages of bodies to the master, each waiting for its MapReply. */
  private ProcessResult map(ActorRef<Command> master, TaskContext caller, List<?> tasks, String taskName) {
    if (tasks == null || tasks.isEmpty()) {
      return ProcessResult.failure("task list is empty");
    }
    for (int from = 0; from < tasks.size(); from += MAP_PAGE) {
      List<byte[]> bodies = tasks.subList(from, Math.min(tasks.size(), from + MAP_PAGE)).stream().map(codec::encode).toList();
      MapReply reply;
      try {
        reply = AskPattern.<Command, MapReply>ask(
                master, replyTo -> new MapTasks(caller.taskId(), taskName, bodies, replyTo), ASK_TIMEOUT, scheduler)
            .toCompletableFuture()
            .get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ProcessResult.failure("interrupted while mapping");
      } catch (ExecutionException e) {
        return ProcessResult.failure("master did not answer map(): " + e.getCause());
      }
      if (!reply.accepted()) {
        return ProcessResult.failure("master refused the sub-tasks: " + reply.message());
      }
    }
    return ProcessResult.success();
  }
}
