package dev.schedulerx.server.workflow;

import dev.schedulerx.job.schedule.Schedules;
import dev.schedulerx.job.schedule.TimeType;
import dev.schedulerx.server.dispatch.InstanceEnds;
import dev.schedulerx.server.dispatch.InstanceLifecycle;
import dev.schedulerx.server.dispatch.WorkflowNodes;
import dev.schedulerx.server.gateway.WorkerGateway;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.JobRepository;
import dev.schedulerx.server.store.TriggerType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs workflow instances as a persisted state machine. Every decision is re-derived from the database
 * ({@link #advance}): the run's nodes joined with their job instances say which nodes ended, which may start,
 * and whether the run is over, so a new leader carries on where the old one stopped. A node's job instance is
 * created with the node's run time and attempt 0, and the instances' unique key makes sure it starts once.
 *
 * <p>All engine work runs on one thread of its own (never the actor dispatcher or the store threads): instance
 * ends are queued to it, operator actions wait for it, and a tick fires cron workflows and reconciles every
 * unfinished run.
 */
public final class WorkflowEngine implements WorkflowNodes, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkflowEngine.class);
  /** How long an operator action may wait for the engine thread. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  /** A failed node instance whose retry did not appear this long after its interval is retried by the engine. */
  private static final Duration RETRY_GRACE = Duration.ofSeconds(10);
  /** Failed nodes a failed run's reason names at most. */
  static final int MAX_FAILED_NAMED = 10;

  private final WorkflowStore store;
  private final JobRepository jobs;
  private final InstanceRepository instances;
  private final InstanceLifecycle lifecycle;
  private final InstanceEnds ends;
  private final Clock clock;
  private final BooleanSupplier isLeader;
  private final LaunchGate launchGate;
  private final ExecutorService thread;
  /** Jobs that are workflow nodes, refreshed every tick and on every DAG change made here. */
  private volatile Set<Long> nodeJobs = Set.of();
  /** Payloads of node instances this engine is about to launch: the launch hook needs no query for them. */
  private final Map<Long, WorkerGateway.WorkflowPayload> launching = new ConcurrentHashMap<>();
  /** Job instance → workflow instance, for the instances this engine linked (others are looked up). */
  private final Map<Long, Long> runOfInstance = new ConcurrentHashMap<>();
  private final AtomicBoolean tickQueued = new AtomicBoolean();
  /** Runs with an advance queued on the engine thread. */
  private final Set<Long> advanceQueued = ConcurrentHashMap.newKeySet();
  /** Told of every run that ends by its nodes; set once at assembly. */
  private volatile WorkflowEvents events = WorkflowEvents.NONE;

  /**
   * Whether nodes of a group may start now. A new leader gives its workers time to re-register (its due-pass does
   * the same for jobs): a node started before any worker of its group found the new leader would fail at once
   * ("no live worker"), so ready nodes wait until one has, or the grace is over.
   */
  @FunctionalInterface
  public interface LaunchGate {
    LaunchGate OPEN = group -> true;

    /** @param group the workflow's group, read only when the answer depends on it */
    boolean open(Supplier<String> group);
  }

  public WorkflowEngine(javax.sql.DataSource dataSource, JobRepository jobs, InstanceRepository instances,
      InstanceLifecycle lifecycle, InstanceEnds ends, Clock clock, BooleanSupplier isLeader) {
    this(dataSource, jobs, instances, lifecycle, ends, clock, isLeader, LaunchGate.OPEN);
  }

  public WorkflowEngine(javax.sql.DataSource dataSource, JobRepository jobs, InstanceRepository instances,
      InstanceLifecycle lifecycle, InstanceEnds ends, Clock clock, BooleanSupplier isLeader, LaunchGate launchGate) {
    this.launchGate = launchGate;
    this.store = new WorkflowStore(dataSource);
    this.jobs = jobs;
    this.instances = instances;
    this.lifecycle = lifecycle;
    this.ends = ends;
    this.clock = clock;
    this.isLeader = isLeader;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "sx-server-workflow");
      t.setDaemon(true);
      return t;
    });
    refreshNodeJobs();
  }

  WorkflowStore store() {
    return store;
  }

  /** Who hears of runs that end (alerting). */
  public void events(WorkflowEvents events) {
    this.events = java.util.Objects.requireNonNull(events, "events");
  }

  // ---- hooks called by the instance lifecycle and the due-pass ----

  @Override
  public boolean holdsJob(long jobId) {
    return nodeJobs.contains(jobId);
  }

  @Override
  public NodeLaunch beforeLaunch(JobDefinition job, JobInstance instance) {
    if (!nodeJobs.contains(job.id())) {
      return null;
    }
    WorkerGateway.WorkflowPayload fresh = launching.remove(instance.id());
    if (fresh != null) {
      return new NodeLaunch(fresh, null);
    }
    // A retry of a node's instance (the lifecycle's own, or the engine's after a change of leader).
    Optional<WfNode> node = store.nodeByRun(job.id(), instance.scheduleTime());
    if (node.isEmpty()) {
      return null; // a run of the job outside its workflow (e.g. triggered by hand)
    }
    WfNode n = node.get();
    Optional<WfInstance> run = store.findRun(n.wfInstanceId());
    // A WAITING node whose run key names this instance: a previous leader created it and stopped before linking it
    // (a fan-out's children are created, then linked); the new leader hands it out, and links it here.
    if (run.isEmpty() || run.get().state() != InstanceState.RUNNING
        || !store.startNode(n.id(), instance.id(), clock.instant(), InstanceState.RUNNING, InstanceState.WAITING)) {
      return new NodeLaunch(null, "workflow instance " + n.wfInstanceId() + " is "
          + run.map(r -> r.state().name()).orElse("gone") + ", its node " + n.jobName() + " " + n.state());
    }
    runOfInstance.put(instance.id(), n.wfInstanceId());
    return new NodeLaunch(payload(run.get(), n, store.nodes(n.wfInstanceId())), null);
  }

  @Override
  public void ended(long instanceId, long jobId, InstanceState state) {
    if (!nodeJobs.contains(jobId)) {
      return;
    }
    Long known = runOfInstance.remove(instanceId);
    if (known != null) {
      queueAdvance(known);
      return;
    }
    thread.execute(() -> guarded("instance " + instanceId + " ended", () ->
        store.runOfJobInstance(instanceId).ifPresent(this::advance)));
  }

  /**
   * Queues one advance of the run; ends that arrive while one is queued ride on it (it reads them all from the
   * database), so a wide fan-in of ends costs a few passes, not one per node.
   */
  private void queueAdvance(long runId) {
    if (advanceQueued.add(runId)) {
      thread.execute(() -> {
        advanceQueued.remove(runId);
        guarded("workflow instance " + runId + " advance", () -> advance(runId));
      });
    }
  }

  // ---- the tick ----

  /** Queues one tick (fire due cron workflows, reconcile unfinished runs); a tick already queued absorbs it. */
  public void tick() {
    if (tickQueued.compareAndSet(false, true)) {
      thread.execute(() -> {
        tickQueued.set(false);
        guarded("tick", this::tickNow);
      });
    }
  }

  /** One tick on the caller's thread (tests; the engine thread). */
  void tickNow() {
    refreshNodeJobs();
    if (!isLeader.getAsBoolean()) {
      return;
    }
    Instant now = clock.instant();
    for (Workflow w : store.findAll()) {
      if (w.enabled() && w.timeType() == Workflow.CRON && !w.dag().nodes().isEmpty()) {
        try {
          fireIfDue(w, now);
        } catch (RuntimeException e) {
          log.warn("workflow {} ({}) cannot be scheduled: {}", w.id(), w.name(), e.getMessage());
        }
      }
    }
    for (WfInstance run : store.unfinishedRuns()) {
      if (run.state() == InstanceState.RUNNING) {
        advance(run.id());
      }
    }
    for (WfInstance run : store.unfinishedRuns()) {
      if (run.state() == InstanceState.WAITING) {
        startQueued(run.workflowId());
      }
    }
  }

  private void fireIfDue(Workflow w, Instant now) {
    java.time.ZoneId zone = Schedules.zoneOf(w.timeZone(), clock.getZone());
    // Never run: the first slot after the definition's last change (without a base, the next slot would always
    // lie ahead of now and a new cron workflow would never fire).
    Instant last = store.lastScheduleTime(w.id()).orElse(w.updatedAt());
    Optional<Instant> due = Schedules.nextDue(TimeType.CRON, w.timeExpression(), zone, last, now);
    if (due.isPresent() && !due.get().isAfter(now) && due.get().isAfter(last)) {
      trigger(w, due.get(), TriggerType.SCHEDULE.name(), "");
    }
  }

  void refreshNodeJobs() {
    nodeJobs = Set.copyOf(store.jobsInWorkflows());
  }

  // ---- runs ----

  /**
   * Creates a run of {@code w} at {@code scheduleTime}: RUNNING, or, with {@code maxConcurrency} runs unfinished,
   * SKIPPED (policy skip) or WAITING in the queue (policy queue). Empty when that run exists already.
   */
  Optional<WfInstance> trigger(Workflow w, Instant scheduleTime, String trigger, String parameters) {
    Instant now = clock.instant();
    Map<Long, String> names = new HashMap<>();
    // One query for all the nodes' jobs: a wide DAG's run started with a thousand.
    Map<Long, JobDefinition> nodeJobs = jobs.findByIds(w.dag().nodes().stream().filter(id -> !w.dag().isCondition(id)).toList());
    for (long jobId : w.dag().nodes()) {
      Dag.Condition c = w.dag().conditions().get(jobId);
      JobDefinition job = nodeJobs.get(jobId);
      names.put(jobId, c != null ? c.name() : job != null ? job.name() : "job-" + jobId);
    }
    int running = store.countRunning(w.id());
    boolean full = running >= Math.max(1, w.maxConcurrency());
    InstanceState state = !full ? InstanceState.RUNNING
        : Workflow.QUEUE.equals(w.concurrencyPolicy()) ? InstanceState.WAITING : InstanceState.SKIPPED;
    String reason = state == InstanceState.SKIPPED
        ? "skipped: " + running + " run(s) unfinished, max concurrency " + w.maxConcurrency() : null;
    Optional<WfInstance> run = store.createRun(w, scheduleTime, trigger, parameters, state, reason, names, now);
    run.ifPresent(r -> {
      switch (state) {
        case RUNNING -> {
          log.info("workflow instance {} of workflow {} ({}) started ({}), {} node(s)", r.id(), w.id(), w.name(), trigger,
              w.dag().nodes().size());
          advance(r.id());
        }
        case WAITING -> log.info("workflow instance {} of workflow {} ({}) queued: {} run(s) unfinished, max concurrency {}",
            r.id(), w.id(), w.name(), running, w.maxConcurrency());
        default -> log.info("workflow instance {} of workflow {} ({}) {}", r.id(), w.id(), w.name(), reason);
      }
    });
    return run;
  }

  /** An API run at now, or just after the workflow's latest run (the schedule time is the run's unique key). */
  WfInstance triggerNow(Workflow w, String parameters, String trigger) {
    Instant at = clock.instant();
    for (int i = 0; i < 32; i++) {
      Optional<WfInstance> run = trigger(w, at, trigger, parameters);
      if (run.isPresent()) {
        return run.get();
      }
      Instant latest = store.latestScheduleTime(w.id()).orElse(at);
      at = (latest.isAfter(at) ? latest : at).plusMillis(1);
    }
    throw new WorkflowStateException("workflow " + w.id() + ": no free schedule time for a new run; try again");
  }

  /** Starts queued runs of the workflow, oldest first, while it has free slots. */
  private void startQueued(long workflowId) {
    Optional<Workflow> w = store.find(workflowId);
    if (w.isEmpty()) {
      return;
    }
    while (store.countRunning(workflowId) < Math.max(1, w.get().maxConcurrency())) {
      Optional<WfInstance> next = store.oldestQueued(workflowId);
      if (next.isEmpty()) {
        return;
      }
      if (store.moveRun(next.get().id(), InstanceState.WAITING, InstanceState.RUNNING, null, clock.instant())) {
        log.info("workflow instance {} of workflow {} leaves the queue: a slot is free", next.get().id(), workflowId);
        advance(next.get().id());
      }
    }
  }

  /**
   * Brings a running workflow instance up to date: settles nodes whose job instance ended, starts every node whose
   * parents all succeeded (or were skipped), and ends the run when no node runs and none can start.
   */
  void advance(long runId) {
    Optional<WfInstance> found = store.findRun(runId);
    if (found.isEmpty() || found.get().state() != InstanceState.RUNNING) {
      return;
    }
    WfInstance run = found.get();
    Instant now = clock.instant();
    Map<Long, WfNode> byJob = new LinkedHashMap<>();
    store.nodes(runId).forEach(n -> byJob.put(n.jobId(), n));
    Map<Long, InstanceState> state = new HashMap<>();
    byJob.values().forEach(n -> state.put(n.jobId(), n.state()));
    Map<Long, String> results = new HashMap<>();
    byJob.values().forEach(n -> results.put(n.jobId(), n.result()));

    // Nodes whose instance succeeded are stored together (a wide fan-out's children end by the hundred).
    Map<Long, String> succeededResults = new LinkedHashMap<>();
    List<WfNode> succeededNodes = new ArrayList<>();
    for (WfNode n : byJob.values()) {
      if (n.state() == InstanceState.RUNNING) {
        InstanceState settled;
        if (n.jobInstanceId() != null && n.instanceState() == InstanceState.SUCCESS) {
          succeededResults.put(n.id(), Optional.ofNullable(n.instanceResult()).orElse(""));
          succeededNodes.add(n);
          settled = InstanceState.SUCCESS;
        } else {
          settled = settle(run, n, now);
        }
        if (settled != null) {
          state.put(n.jobId(), settled);
          results.put(n.jobId(), settled == InstanceState.SUCCESS ? WorkflowStore.capResult(n.instanceResult()) : null);
        }
      }
    }
    if (!succeededResults.isEmpty()) {
      store.endNodes(succeededResults, InstanceState.SUCCESS, now, InstanceState.RUNNING);
      if (succeededNodes.size() == 1) {
        WfNode n = succeededNodes.get(0);
        log.info("workflow instance {}: node {} succeeded (instance {})", run.id(), n.jobName(), n.jobInstanceId());
      } else {
        log.info("workflow instance {}: {} nodes succeeded ({} ...)", run.id(), succeededNodes.size(),
            succeededNodes.stream().limit(3).map(WfNode::jobName).collect(java.util.stream.Collectors.joining(", ")));
      }
    }

    Dag dag = run.dag();
    Map<Long, List<Long>> parents = dag.parents();
    Map<Long, List<Long>> children = dag.children();
    boolean failFast = Workflow.FAIL_FAST.equals(run.failurePolicy());
    boolean anyFailed = state.entrySet().stream()
        .anyMatch(e -> isFailure(e.getValue()) && !handledByConditions(dag, children, e.getKey()));
    if (failFast && anyFailed) {
      for (WfNode n : byJob.values()) {
        if (state.get(n.jobId()) == InstanceState.RUNNING && n.jobInstanceId() != null) {
          long id = n.jobInstanceId();
          log.info("workflow instance {}: fail-fast stops node {} (instance {})", runId, n.jobName(), id);
          ends.kill(id).exceptionally(e -> null);
        }
      }
    }

    boolean held = false;
    // Read once: during a new leader's grace its answer costs a query (the workflow's group).
    boolean mayLaunch = launchGate.open(() -> store.find(run.workflowId()).map(Workflow::groupId).orElse(""));
    boolean progressed = true;
    List<Long> order = dag.topologicalOrder();
    while (progressed) { // skipped nodes and decided conditions release their children in the same pass
      progressed = false;
      Set<Long> offBranch = offBranch(dag, order, parents, state, results);
      // Nodes ready to start are started together after the pass: a wide fan-out is one batch, not a run each.
      List<WfNode> toStart = new ArrayList<>();
      for (long jobId : order) {
        WfNode n = byJob.get(jobId);
        if (n == null || state.get(jobId) != InstanceState.WAITING) {
          continue;
        }
        if (offBranch.contains(jobId)) {
          if (store.endNode(n.id(), InstanceState.SKIPPED, "", now, InstanceState.WAITING)) {
            log.info("workflow instance {}: node {} skipped, not on a branch its conditions chose", runId, n.jobName());
          }
          state.put(jobId, InstanceState.SKIPPED);
          results.put(jobId, "");
          progressed = true;
          continue;
        }
        Dag.Condition condition = dag.conditions().get(jobId);
        boolean ready = parents.get(jobId).stream().allMatch(p -> condition != null ? state.get(p).isFinished()
            : state.get(p) == InstanceState.SUCCESS || state.get(p) == InstanceState.SKIPPED);
        if (!ready) {
          continue;
        }
        if (n.skipRequested()) {
          if (store.endNode(n.id(), InstanceState.SKIPPED, "", now, InstanceState.WAITING)) {
            log.info("workflow instance {}: node {} skipped", runId, n.jobName());
          }
          state.put(jobId, InstanceState.SKIPPED);
          results.put(jobId, "");
          progressed = true;
        } else if (failFast && anyFailed) {
          // nothing new starts after a failure
        } else if (run.suspended()) {
          held = true;
        } else if (condition == null && !mayLaunch) {
          held = true; // started by a later pass, once the group's workers found this new leader
        } else if (condition != null) {
          Map<Long, Boolean> succeeded = new LinkedHashMap<>();
          parents.get(jobId).forEach(p -> succeeded.put(p, !isFailure(state.get(p))));
          String decision = Boolean.toString(condition.holds(succeeded));
          if (store.endNode(n.id(), InstanceState.SUCCESS, decision, now, InstanceState.WAITING)) {
            log.info("workflow instance {}: condition {} is {} for its parents {}", runId, n.jobName(), decision, succeeded);
          }
          state.put(jobId, InstanceState.SUCCESS);
          results.put(jobId, decision);
          progressed = true;
          break; // the branches it closed are known only after offBranch is worked out again
        } else {
          toStart.add(n);
          state.put(jobId, InstanceState.RUNNING);
        }
      }
      Set<Long> started = startNodes(run, toStart, parents, byJob, results, now);
      List<WfNode> notStarted = toStart.stream().filter(n -> !started.contains(n.jobId())).toList();
      if (!notStarted.isEmpty()) {
        Map<Long, InstanceState> stored = new HashMap<>();
        store.nodes(runId).forEach(x -> stored.put(x.jobId(), x.state()));
        notStarted.forEach(n -> state.put(n.jobId(), stored.getOrDefault(n.jobId(), InstanceState.FAILED)));
        progressed = true; // a node that could not start may decide a condition below it
      }
    }

    if (state.containsValue(InstanceState.RUNNING) || held) {
      return;
    }
    boolean allDone = state.entrySet().stream().allMatch(e -> e.getValue() == InstanceState.SUCCESS
        || e.getValue() == InstanceState.SKIPPED || isFailure(e.getValue()) && handledByConditions(dag, children, e.getKey()));
    InstanceState end = allDone ? InstanceState.SUCCESS : InstanceState.FAILED;
    String reason = allDone ? null : describeFailure(byJob, state, dag, children);
    if (store.moveRun(runId, InstanceState.RUNNING, end, reason, now)) {
      log.info("workflow instance {} of workflow {} finished {}{}", runId, run.workflowId(), end,
          reason == null ? "" : ": " + reason);
      startQueued(run.workflowId());
      store.findRun(runId).ifPresent(events::runEnded);
    }
  }

  private static boolean isFailure(InstanceState s) {
    return s == InstanceState.FAILED || s == InstanceState.KILLED;
  }

  /** A node whose children are all conditions: its failure is an outcome they branch on, not the run's failure. */
  private static boolean handledByConditions(Dag dag, Map<Long, List<Long>> children, long node) {
    List<Long> below = children.getOrDefault(node, List.of());
    return !below.isEmpty() && below.stream().allMatch(dag::isCondition);
  }

  /**
   * Nodes that will not run because of a decided condition: a child the condition did not choose, and below it
   * every node all of whose ways in are such nodes (a join of both branches still runs after the chosen one).
   */
  private static Set<Long> offBranch(Dag dag, List<Long> order, Map<Long, List<Long>> parents,
      Map<Long, InstanceState> state, Map<Long, String> results) {
    Set<Long> off = new HashSet<>();
    if (dag.conditions().isEmpty()) {
      return off;
    }
    for (long node : order) {
      List<Long> in = parents.get(node);
      boolean allClosed = !in.isEmpty() && in.stream().allMatch(p -> {
        if (off.contains(p)) {
          return true;
        }
        Dag.Condition c = dag.conditions().get(p);
        if (c == null || state.get(p) != InstanceState.SUCCESS || results.get(p) == null) {
          return false;
        }
        return c.then().contains(node) != "true".equals(results.get(p));
      });
      if (allClosed) {
        off.add(node);
      }
    }
    return off;
  }

  /** A RUNNING node whose job instance ended: its final state, or null while it runs or a retry is due. */
  private InstanceState settle(WfInstance run, WfNode n, Instant now) {
    if (n.jobInstanceId() == null) {
      return null;
    }
    if (n.instanceState() == null) {
      store.endNode(n.id(), InstanceState.FAILED, "job instance " + n.jobInstanceId() + " no longer exists", now,
          InstanceState.RUNNING);
      return InstanceState.FAILED;
    }
    if (!n.instanceState().isFinished()) {
      return null;
    }
    if (n.instanceState() == InstanceState.SUCCESS) {
      store.endNode(n.id(), InstanceState.SUCCESS, Optional.ofNullable(n.instanceResult()).orElse(""), now,
          InstanceState.RUNNING);
      log.info("workflow instance {}: node {} succeeded (instance {})", run.id(), n.jobName(), n.jobInstanceId());
      return InstanceState.SUCCESS;
    }
    Optional<JobDefinition> job = jobs.findById(n.jobId());
    int attempt = n.instanceAttempt() == null ? 0 : n.instanceAttempt();
    if (n.instanceState() == InstanceState.FAILED && job.isPresent() && attempt < job.get().maxAttempt()) {
      retryIfOverdue(run, n, job.get(), attempt, now);
      return null; // the job's own retry is due
    }
    InstanceState end = n.instanceState() == InstanceState.KILLED ? InstanceState.KILLED : InstanceState.FAILED;
    store.endNode(n.id(), end, n.instanceResult(), now, InstanceState.RUNNING);
    log.info("workflow instance {}: node {} {} (instance {}): {}", run.id(), n.jobName(), end, n.jobInstanceId(),
        n.instanceResult());
    return end;
  }

  /** The lifecycle's retry timer lives in one server's memory: after a change of leader the engine retries. */
  private void retryIfOverdue(WfInstance run, WfNode n, JobDefinition job, int attempt, Instant now) {
    Instant ended = n.instanceFinishedAt();
    if (ended == null || ended.plusSeconds(job.attemptIntervalSeconds()).plus(RETRY_GRACE).isAfter(now)) {
      return;
    }
    instances.create(job.id(), job.groupId(), job.name(), n.runTime(), TriggerType.RETRY, run.instanceParameters(),
        attempt + 1, now).ifPresent(retry -> {
          log.info("workflow instance {}: node {} retried by the engine (attempt {})", run.id(), n.jobName(), attempt + 1);
          lifecycle.launch(job, retry);
        });
  }

  /**
   * Creates and launches the job instances of WAITING nodes whose parents are done: one node as {@link #startNode};
   * several a chunk at a time (one transaction for a chunk's instances, one batched launch), then their links to the
   * nodes in one transaction once all have left: the links are not on the way of the last child. A crash before the
   * links leaves WAITING nodes whose instances the next advance adopts (their unique key stops a second start), as
   * with one node; no one else writes a running run's nodes meanwhile (operator actions run on this thread).
   * Answers the job ids of the nodes that started.
   */
  private Set<Long> startNodes(WfInstance run, List<WfNode> ready, Map<Long, List<Long>> parents, Map<Long, WfNode> byJob,
      Map<Long, String> results, Instant now) {
    Set<Long> started = new HashSet<>();
    if (ready.size() == 1) {
      WfNode n = ready.get(0);
      if (startNode(run, n, parents.get(n.jobId()), byJob, results, now)) {
        started.add(n.jobId());
      }
      return started;
    }
    Map<Long, JobDefinition> found = jobs.findByIds(ready.stream().map(WfNode::jobId).toList());
    List<WfNode> nodes = new ArrayList<>();
    for (WfNode n : ready) {
      if (found.containsKey(n.jobId())) {
        nodes.add(n);
      } else {
        store.endNode(n.id(), InstanceState.FAILED, "job " + n.jobId() + " no longer exists", now, InstanceState.WAITING);
      }
    }
    // A chunk at a time: the first children are on their way while the engine stores the next ones.
    int launched = lifecycle.launchingBurst(() -> {
      Map<Long, Long> links = new LinkedHashMap<>();
      for (int from = 0; from < nodes.size(); from += START_CHUNK) {
        List<WfNode> chunk = nodes.subList(from, Math.min(nodes.size(), from + START_CHUNK));
        startChunk(run, chunk, found, parents, byJob, results, now, started, links);
      }
      Set<Long> linked = links.isEmpty() ? Set.of() : store.startNodes(links, now, InstanceState.WAITING);
      if (linked.size() < links.size()) {
        log.warn("workflow instance {}: {} of {} started nodes had left WAITING before their link", run.id(),
            links.size() - linked.size(), links.size());
      }
      return links.size();
    });
    if (launched > 0) {
      log.info("workflow instance {}: {} nodes started together", run.id(), launched);
    }
    return started;
  }

  /** Nodes {@link #startNodes} creates with one transaction and launches together. */
  static final int START_CHUNK = 128;

  /**
   * One chunk of {@link #startNodes}: creates and launches its nodes' instances, adds the nodes that started to
   * {@code started} and their links (node → instance) to {@code links}.
   */
  private void startChunk(WfInstance run, List<WfNode> nodes, Map<Long, JobDefinition> found, Map<Long, List<Long>> parents,
      Map<Long, WfNode> byJob, Map<Long, String> results, Instant now, Set<Long> started, Map<Long, Long> links) {
    TriggerType trigger = TriggerType.SCHEDULE.name().equals(run.triggerType()) ? TriggerType.SCHEDULE : TriggerType.API;
    List<InstanceRepository.NewRun> runs = new ArrayList<>();
    for (WfNode n : nodes) {
      JobDefinition j = found.get(n.jobId());
      runs.add(new InstanceRepository.NewRun(j.id(), j.groupId(), j.name(), n.runTime(), trigger, run.instanceParameters(), 0));
    }
    Optional<List<JobInstance>> created = instances.createAll(runs, now);
    if (created.isEmpty()) {
      // Some were created before (a previous leader, or this engine before a crash): one by one, adopting those.
      for (WfNode n : nodes) {
        if (startNode(run, n, parents.get(n.jobId()), byJob, results, now)) {
          started.add(n.jobId());
        }
      }
      return;
    }
    List<InstanceLifecycle.Launch> launches = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      WfNode n = nodes.get(i);
      JobInstance instance = created.get().get(i);
      List<WorkerGateway.Upstream> upstream = new ArrayList<>();
      for (long p : parents.get(n.jobId())) {
        upstream.add(new WorkerGateway.Upstream(byJob.get(p).jobName(), results.get(p)));
      }
      runOfInstance.put(instance.id(), run.id());
      launching.put(instance.id(),
          new WorkerGateway.WorkflowPayload(run.workflowId(), run.id(), upstream, run.dag().parameters().get(n.jobId())));
      launches.add(new InstanceLifecycle.Launch(found.get(n.jobId()), instance));
      links.put(n.id(), instance.id());
      started.add(n.jobId());
    }
    lifecycle.launchAll(launches);
  }

  /** Creates and launches a WAITING node's job instance; false when it cannot run (the node is then ended). */
  private boolean startNode(WfInstance run, WfNode n, List<Long> parentIds, Map<Long, WfNode> byJob,
      Map<Long, String> results, Instant now) {
    Optional<JobDefinition> job = jobs.findById(n.jobId());
    if (job.isEmpty()) {
      store.endNode(n.id(), InstanceState.FAILED, "job " + n.jobId() + " no longer exists", now, InstanceState.WAITING);
      return false;
    }
    JobDefinition j = job.get();
    TriggerType trigger = TriggerType.SCHEDULE.name().equals(run.triggerType()) ? TriggerType.SCHEDULE : TriggerType.API;
    Optional<JobInstance> created =
        instances.create(j.id(), j.groupId(), j.name(), n.runTime(), trigger, run.instanceParameters(), 0, now);
    if (created.isEmpty()) {
      // Created before (a previous leader, or this node before a crash): adopt it, never start a second one.
      Optional<Long> existing = store.jobInstanceOfRun(j.id(), n.runTime());
      existing.ifPresent(id -> {
        store.startNode(n.id(), id, now, InstanceState.WAITING);
        runOfInstance.put(id, run.id());
        log.info("workflow instance {}: node {} adopts its existing instance {}", run.id(), n.jobName(), id);
      });
      return existing.isPresent();
    }
    JobInstance instance = created.get();
    if (!store.startNode(n.id(), instance.id(), now, InstanceState.WAITING)) {
      return false;
    }
    List<WorkerGateway.Upstream> upstream = new ArrayList<>();
    for (long p : parentIds) {
      upstream.add(new WorkerGateway.Upstream(byJob.get(p).jobName(), results.get(p)));
    }
    runOfInstance.put(instance.id(), run.id());
    launching.put(instance.id(),
        new WorkerGateway.WorkflowPayload(run.workflowId(), run.id(), upstream, run.dag().parameters().get(n.jobId())));
    log.debug("workflow instance {}: node {} starts as instance {}", run.id(), n.jobName(), instance.id());
    lifecycle.launch(j, instance);
    return true;
  }

  /** The payload of a node from the stored state of its run. */
  private static WorkerGateway.WorkflowPayload payload(WfInstance run, WfNode node, List<WfNode> nodes) {
    Map<Long, WfNode> byJob = new HashMap<>();
    nodes.forEach(x -> byJob.put(x.jobId(), x));
    List<WorkerGateway.Upstream> upstream = new ArrayList<>();
    for (long p : run.dag().parents().getOrDefault(node.jobId(), List.of())) {
      WfNode parent = byJob.get(p);
      upstream.add(new WorkerGateway.Upstream(parent == null ? "" : parent.jobName(), parent == null ? "" : parent.result()));
    }
    return new WorkerGateway.WorkflowPayload(run.workflowId(), run.id(), upstream, run.dag().parameters().get(node.jobId()));
  }

  private static String describeFailure(Map<Long, WfNode> byJob, Map<Long, InstanceState> state, Dag dag,
      Map<Long, List<Long>> children) {
    List<String> failed = new ArrayList<>();
    state.forEach((jobId, s) -> {
      if (isFailure(s) && !handledByConditions(dag, children, jobId)) {
        failed.add(byJob.get(jobId).jobName() + " " + s);
      }
    });
    if (failed.isEmpty()) {
      return "nodes left unfinished";
    }
    // A few names, then a count: a wide DAG's hundreds of failed nodes would not fit the reason column (and the run
    // could then never be ended).
    String named = String.join(", ", failed.subList(0, Math.min(MAX_FAILED_NAMED, failed.size())));
    return "node(s) " + named + (failed.size() > MAX_FAILED_NAMED ? " and " + (failed.size() - MAX_FAILED_NAMED) + " more" : "")
        + "; their descendants did not run";
  }

  // ---- operator actions (run on the engine thread, the caller waits) ----

  WfInstance run(Workflow w, String parameters, String trigger) {
    return call(() -> triggerNow(w, parameters, trigger));
  }

  /** Stops a run: not-started nodes and running ones end KILLED (their instances killed), then the run. */
  WfInstance stop(long runId) {
    return call(() -> {
      WfInstance run = requireRun(runId);
      Instant now = clock.instant();
      InstanceState from = run.state();
      if (from != InstanceState.RUNNING && from != InstanceState.WAITING) {
        throw new WorkflowStateException("workflow instance " + runId + " is " + run.state() + ", nothing to stop");
      }
      if (!store.moveRun(runId, from, InstanceState.KILLED, "stopped by request", now)) {
        throw new WorkflowStateException("workflow instance " + runId + " changed meanwhile; try again");
      }
      for (WfNode n : store.nodes(runId)) {
        if (n.state() == InstanceState.RUNNING && n.jobInstanceId() != null) {
          store.endNode(n.id(), InstanceState.KILLED, "stopped by request", now, InstanceState.RUNNING);
          ends.kill(n.jobInstanceId()).exceptionally(e -> null);
        } else if (n.state() == InstanceState.WAITING) {
          store.endNode(n.id(), InstanceState.KILLED, "stopped before it started", now, InstanceState.WAITING);
        }
      }
      log.info("workflow instance {} of workflow {} stopped by request", runId, run.workflowId());
      startQueued(run.workflowId());
      return requireRun(runId);
    });
  }

  /** Re-runs a failed or stopped run's failed, stopped and never-run nodes; succeeded and skipped ones keep their results. */
  WfInstance retry(long runId) {
    return call(() -> {
      WfInstance run = requireRun(runId);
      if (run.state() != InstanceState.FAILED && run.state() != InstanceState.KILLED) {
        throw new WorkflowStateException("workflow instance " + runId + " is " + run.state()
            + "; only a FAILED or stopped instance can be retried");
      }
      Instant now = clock.instant();
      Map<Long, List<Long>> children = run.dag().children();
      Map<Long, InstanceState> states = new HashMap<>();
      List<WfNode> nodes = store.nodes(runId);
      nodes.forEach(n -> states.put(n.jobId(), n.state()));
      for (WfNode n : nodes) {
        boolean decided = handledByConditions(run.dag(), children, n.jobId())
            && children.get(n.jobId()).stream().allMatch(c -> states.get(c) != InstanceState.WAITING);
        if (!decided && (isFailure(n.state()) || n.state() == InstanceState.WAITING)) {
          store.resetNode(n.id(), freeRunTime(n.jobId(), now), InstanceState.FAILED, InstanceState.KILLED, InstanceState.WAITING);
        }
      }
      store.moveRun(runId, run.state(), InstanceState.RUNNING, null, now);
      log.info("workflow instance {} of workflow {} retried: its failed and never-run nodes run again", runId,
          run.workflowId());
      advance(runId);
      return requireRun(runId);
    });
  }

  /** A schedule time at which the job has no instance yet (a retried node's new unique key). */
  private Instant freeRunTime(long jobId, Instant from) {
    Instant t = from;
    while (store.jobHasRunAt(jobId, t)) {
      t = t.plusMillis(1);
    }
    return t;
  }

  /**
   * Skips a node: a waiting one is marked and becomes SKIPPED once its parents are done (its children then start as
   * if it had succeeded, with an empty result); a failed or stopped one becomes SKIPPED at once and a failed run
   * carries on.
   */
  WfInstance skip(long runId, long nodeRef) {
    return call(() -> {
      WfInstance run = requireRun(runId);
      WfNode n = requireNode(runId, nodeRef);
      Instant now = clock.instant();
      if (n.state() == InstanceState.WAITING) {
        store.setSkipRequested(n.id(), true);
      } else if (n.state() == InstanceState.FAILED || n.state() == InstanceState.KILLED) {
        store.endNode(n.id(), InstanceState.SKIPPED, "", now, n.state());
        reopen(run, now);
      } else {
        throw new WorkflowStateException("node " + n.jobName() + " of workflow instance " + runId + " is " + n.state()
            + "; only a waiting, failed or stopped node can be skipped");
      }
      log.info("workflow instance {}: node {} to be skipped", runId, n.jobName());
      advance(runId);
      return requireRun(runId);
    });
  }

  /** Withdraws a skip that has not taken effect yet. */
  WfInstance cancelSkip(long runId, long nodeRef) {
    return call(() -> {
      WfNode n = requireNode(runId, nodeRef);
      if (!n.skipRequested() || !store.setSkipRequested(n.id(), false)) {
        throw new WorkflowStateException("node " + n.jobName() + " of workflow instance " + runId
            + " has no pending skip (state " + n.state() + ")");
      }
      return requireRun(runId);
    });
  }

  WfInstance suspend(long runId, boolean suspended) {
    return call(() -> {
      WfInstance run = requireRun(runId);
      if (!store.setSuspended(runId, suspended)) {
        throw new WorkflowStateException("workflow instance " + runId + " is " + run.state() + "; it cannot be "
            + (suspended ? "suspended" : "resumed"));
      }
      log.info("workflow instance {} {}", runId, suspended ? "suspended: nodes not started yet are held" : "resumed");
      if (!suspended) {
        advance(runId);
      }
      return requireRun(runId);
    });
  }

  /**
   * Sets one node SUCCESS (its result kept, or empty; a running one is killed first) so its children may start, or,
   * with {@code nodeRef} null, the whole run SUCCESS (running nodes killed).
   */
  WfInstance setSuccess(long runId, Long nodeRef) {
    return call(() -> {
      WfInstance run = requireRun(runId);
      Instant now = clock.instant();
      if (nodeRef == null) {
        for (WfNode n : store.nodes(runId)) {
          if (n.state() == InstanceState.RUNNING && n.jobInstanceId() != null) {
            store.endNode(n.id(), InstanceState.KILLED, "stopped: workflow instance set to SUCCESS", now, InstanceState.RUNNING);
            ends.kill(n.jobInstanceId()).exceptionally(e -> null);
          }
        }
        if (!store.moveRun(runId, run.state(), InstanceState.SUCCESS, "set to SUCCESS by request", now)) {
          throw new WorkflowStateException("workflow instance " + runId + " changed meanwhile; try again");
        }
        log.info("workflow instance {} set to SUCCESS by request", runId);
        startQueued(run.workflowId());
        return requireRun(runId);
      }
      WfNode n = requireNode(runId, nodeRef);
      if (n.state() == InstanceState.SUCCESS || n.state() == InstanceState.SKIPPED) {
        throw new WorkflowStateException("node " + n.jobName() + " is " + n.state() + " already");
      }
      String result = n.result() != null ? n.result() : Optional.ofNullable(n.instanceResult()).orElse("");
      store.endNode(n.id(), InstanceState.SUCCESS, result, now, n.state());
      if (n.state() == InstanceState.RUNNING && n.jobInstanceId() != null) {
        ends.kill(n.jobInstanceId()).exceptionally(e -> null);
      }
      log.info("workflow instance {}: node {} set to SUCCESS by request", runId, n.jobName());
      reopen(run, now);
      advance(runId);
      return requireRun(runId);
    });
  }

  /** A failed or stopped run whose node an operator released runs again. */
  private void reopen(WfInstance run, Instant now) {
    if (run.state() == InstanceState.FAILED || run.state() == InstanceState.KILLED) {
      store.moveRun(run.id(), run.state(), InstanceState.RUNNING, null, now);
    }
  }

  private WfInstance requireRun(long runId) {
    return store.findRun(runId).orElseThrow(() -> new NoSuchElementException("no workflow instance " + runId));
  }

  /** A node named by its job instance id or, for nodes that never ran, by its job id. */
  private WfNode requireNode(long runId, long ref) {
    List<WfNode> nodes = store.nodes(runId);
    return nodes.stream().filter(n -> n.jobInstanceId() != null && n.jobInstanceId() == ref).findFirst()
        .or(() -> nodes.stream().filter(n -> n.jobId() == ref).findFirst())
        .orElseThrow(() -> new NoSuchElementException("workflow instance " + runId + " has no node with job instance id or job id "
            + ref));
  }

  /** Thrown for an unknown workflow, run or node. */
  public static final class NoSuchElementException extends IllegalArgumentException {
    NoSuchElementException(String message) {
      super(message);
    }
  }

  private <T> T call(Callable<T> action) {
    Future<T> f = thread.submit(action);
    try {
      return f.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new WorkflowStateException("the workflow engine did not answer within " + CALL_TIMEOUT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkflowStateException("interrupted");
    }
  }

  private void guarded(String what, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      log.warn("workflow engine: {} not handled now, the next tick tries again: {}", what, e.toString());
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
