package dev.schedulerx.server.dispatch;

import dev.schedulerx.protocol.WorkerAddress;
import dev.schedulerx.server.gateway.WorkerCapabilities;
import dev.schedulerx.server.gateway.WorkerGateway;
import dev.schedulerx.server.group.GroupGuard;
import dev.schedulerx.server.registry.WorkerInfo;
import dev.schedulerx.server.registry.WorkerRegistry;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts instances: created, submitted to a master worker, their status reports stored. Their ends are recorded by
 * {@link InstanceEnds}, which also ends the runs nobody reports (kills, timeouts, lost masters) and retries them.
 * All database work runs on {@code storeExecutor}, never on the actor dispatcher or the caller's thread.
 */
public final class InstanceLifecycle {
  private static final Logger log = LoggerFactory.getLogger(InstanceLifecycle.class);
  /** How many runs (attempts) one schedule time may get through operators' retries and back-fills. */
  static final int MAX_ATTEMPTS_PER_SLOT = 100;

  private final InstanceRepository instances;
  private final WorkerRegistry registry;
  private final WorkerGateway gateway;
  private final GroupGuard groups;
  private final Clock clock;
  private final Executor storeExecutor;
  private final InstanceEnds ends;
  private final InstanceEvents events;
  private final RunQueues queues;
  private volatile LongConsumer runsChanged = jobId -> {};
  /**
   * Runs a master accepted whose start is not stored yet: the store of the start takes each out, unless the run's end
   * came first and stored both. Taken out only by {@link #storeBatch}, which handles a run's start and reports one
   * batch after another (their intake lane is the run's).
   */
  private final Map<Long, Accepted> unstoredStarts = new ConcurrentHashMap<>();
  /** Accepted submits and status reports on their way to the store, many per transaction. */
  private final StoreIntake<Stored> intake;
  /** Starts and reports one transaction stores at most. */
  static final int STORE_BATCH = 256;
  /**
   * Store batches written at once at most, each for its own instances (a run's start and end always share one). A
   * trade-off measured on 2 cores: one drain alone got too small a share of a server busy with API triggers (their
   * ends were stored up to twice as late), four drains took CPU and write locks from the workflow engine creating a
   * wide fan-out's children (its last child started ~40% later); two did as well as the better of both in each.
   */
  static final int STORE_LANES = 2;
  /**
   * Runs submitted to a worker whose answer has not come yet, with what must wait for it: a kill asked meanwhile
   * (sent to the master once it accepted), and final reports that overtook the answer (stored with the start once it
   * came, so the end names where it ran; alone if the answer was a refusal or never came, after the submit timeout).
   * Changed only through the map's atomic compute methods.
   */
  private final Map<Long, Unanswered> unanswered = new ConcurrentHashMap<>();
  /** The workflow engine's view of instances; set once at start. */
  private volatile WorkflowNodes workflowNodes = WorkflowNodes.NONE;
  /** Master resume (final reports of replaced masters are ignored); null when off. Set once at start. */
  private volatile MasterResume resume;

  /**
   * How long an accepted run's start waits for its end before it is stored alone. A run that ends within it (most
   * do, and every child of a wide fan-out of short jobs) gets one write for start and end instead of two: on a
   * 1,000-node fan-out the store's CPU fell by about half. A leader that stops meanwhile leaves such a run unstored
   * as started, as before within a burst's hold: the next leader adopts it from its worker's heartbeat
   * ({@link InstanceEnds#settleOrphans}). The console shows it RUNNING this much later.
   */
  static final Duration START_STORE_DELAY = Duration.ofMillis(500);
  private final ScheduledExecutorService timers;

  /** Unanswered submits beyond which API triggers wait for their run's hand-over: see {@link #triggerNowPaced}. */
  static final int SUBMIT_WINDOW = 256;

  public InstanceLifecycle(
      JobRepository jobs,
      InstanceRepository instances,
      WorkerRegistry registry,
      WorkerGateway gateway,
      GroupGuard groups,
      Clock clock,
      Executor storeExecutor,
      ScheduledExecutorService timers,
      InstanceEnds ends) {
    this(jobs, instances, registry, gateway, groups, clock, storeExecutor, timers, ends, InstanceEvents.NONE);
  }

  /**
   * @param timers runs the delayed store of accepted starts ({@link #START_STORE_DELAY})
   * @param ends records the ends of this lifecycle's runs; connected here, so it can retry them and start queued runs
   */
  public InstanceLifecycle(
      JobRepository jobs,
      InstanceRepository instances,
      WorkerRegistry registry,
      WorkerGateway gateway,
      GroupGuard groups,
      Clock clock,
      Executor storeExecutor,
      ScheduledExecutorService timers,
      InstanceEnds ends,
      InstanceEvents events) {
    this.instances = instances;
    this.timers = timers;
    this.registry = registry;
    this.gateway = gateway;
    this.groups = groups;
    this.clock = clock;
    this.storeExecutor = storeExecutor;
    this.ends = ends;
    this.events = events;
    this.queues = new RunQueues(jobs, instances, storeExecutor, this::launch);
    this.intake = new StoreIntake<>(storeExecutor, STORE_LANES, STORE_BATCH, Stored::instanceId, this::storeBatch);
    ends.connect(this::runEnded, this::createRetry, this::launch, this::acceptedMaster, this::masterToKill);
  }

  /** Creates a run of {@code job} on demand (API trigger) and submits it; completes with the new instance. */
  public CompletableFuture<JobInstance> triggerNow(JobDefinition job, String instanceParameters) {
    return CompletableFuture.supplyAsync(() -> createApiRun(job, instanceParameters).instance(), storeExecutor);
  }

  /**
   * As {@link #triggerNow}, but while more than {@value #SUBMIT_WINDOW} submits are unanswered it completes only
   * once the run is handed over (a worker accepted it, it failed, or it waits in its job's queue). The HTTP routes
   * use this: clients cannot trigger much faster than workers take runs, else submits pile up unanswered and fail
   * after the submit timeout.
   *
   * <p>The run is stored on the caller's thread, which waits for it anyway: call this from a request thread, never
   * from an actor. Handing it to the store executor cost two thread wake-ups per trigger.
   */
  public CompletableFuture<JobInstance> triggerNowPaced(JobDefinition job, String instanceParameters) {
    Created created;
    try {
      created = createApiRun(job, instanceParameters);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return unanswered.size() <= SUBMIT_WINDOW
        ? CompletableFuture.completedFuture(created.instance())
        : created.handedOver().thenApply(ignored -> created.instance());
  }

  /**
   * As {@link #triggerNowPaced(JobDefinition, String)}, waiting for the hand-over at most {@code maxWait}: callers
   * with a read timeout (the SchedulerX clients give up after 5 s) get the stored run's id in time either way.
   */
  public JobInstance triggerNowPaced(JobDefinition job, String instanceParameters, java.time.Duration maxWait) {
    Created created = createApiRun(job, instanceParameters);
    if (unanswered.size() > SUBMIT_WINDOW) {
      created.handedOver().completeOnTimeout(null, maxWait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).join();
    }
    return created.instance();
  }

  private record Created(JobInstance instance, CompletableFuture<Void> handedOver) {}

  private Created createApiRun(JobDefinition job, String instanceParameters) {
    boolean queue = queues.queues(job);
    JobInstance instance =
        instances.createApiRun(job.id(), job.groupId(), job.name(), instanceParameters, clock.instant(), queue);
    ends.created(instance);
    log.debug("instance {} of job {} ({}) created by API", instance.id(), job.id(), job.name());
    runsChanged.accept(job.id());
    if (queue) {
      queues.startQueued(job);
      return new Created(instance, CompletableFuture.completedFuture(null));
    }
    return new Created(instance, launch(job, instance));
  }

  /**
   * Creates the run of {@code job} for {@code scheduleTime} and submits it. Returns empty when that run
   * already exists (another node, or an earlier pass, created it).
   */
  public Optional<JobInstance> createScheduled(JobDefinition job, Instant scheduleTime, TriggerType trigger, int attempt, String params) {
    // A retry continues a run that already held a slot; only new runs wait in the queue.
    boolean queue = queues.queues(job) && !trigger.isRetry();
    Optional<JobInstance> created =
        instances.create(job.id(), job.groupId(), job.name(), scheduleTime, trigger, params, attempt, clock.instant(), queue);
    created.ifPresent(
        instance -> {
          ends.created(instance);
          log.debug("instance {} of job {} ({}) created for {} ({}, attempt {})",
              instance.id(), job.id(), job.name(), scheduleTime, trigger, attempt);
          if (trigger != TriggerType.SCHEDULE) {
            runsChanged.accept(job.id()); // the due-pass knows of its own scheduled runs
          }
          if (queue) {
            queues.startQueued(job);
          } else {
            launch(job, instance);
          }
        });
    return created;
  }

  /** The next attempt of {@code failed}, as its job's retries allow: see {@link InstanceEnds#retryIfAllowed}. */
  private void createRetry(JobDefinition job, JobInstance failed) {
    createScheduled(job, failed.scheduleTime(), TriggerType.RETRY, failed.attempt() + 1, failed.instanceParameters());
  }

  /**
   * Runs a failed or killed instance again, as an operator asked: the next free attempt of its schedule time (an
   * automatic retry may have taken some), trigger type USER_RETRY. Empty when the slot has no attempt left.
   */
  public Optional<JobInstance> retryByOperator(JobDefinition job, JobInstance failed) {
    for (int attempt = failed.attempt() + 1; attempt < failed.attempt() + MAX_ATTEMPTS_PER_SLOT; attempt++) {
      Optional<JobInstance> created =
          createScheduled(job, failed.scheduleTime(), TriggerType.USER_RETRY, attempt, failed.instanceParameters());
      if (created.isPresent()) {
        return created;
      }
    }
    return Optional.empty();
  }

  /**
   * Back-fills past schedule times (SchedulerX's rerun): one run per slot, oldest first, each a new attempt of its
   * slot with trigger type RERUN, all waiting in the job's queue so they start in order within its max
   * concurrency. Runs on the caller's thread (stores them); returns the created runs.
   */
  public List<JobInstance> backfill(JobDefinition job, List<Instant> slots, String params) {
    List<JobInstance> created = new java.util.ArrayList<>();
    for (Instant slot : slots) {
      for (int attempt = 0; attempt < MAX_ATTEMPTS_PER_SLOT; attempt++) {
        Optional<JobInstance> run =
            instances.create(job.id(), job.groupId(), job.name(), slot, TriggerType.RERUN, params, attempt, clock.instant(), true);
        if (run.isPresent()) {
          created.add(run.get());
          break;
        }
      }
    }
    if (!created.isEmpty()) {
      log.info("job {} ({}): {} back-fill runs queued, {} to {}", job.id(), job.name(), created.size(),
          created.get(0).scheduleTime(), created.get(created.size() - 1).scheduleTime());
      queues.backfilled(job);
    }
    return created;
  }

  /** Turns master resume on here: final reports of a master that was replaced are ignored (see {@link InstanceEnds}). */
  public void masterResume(MasterResume masterResume) {
    resume = masterResume;
  }

  /** Connects the workflow engine here: node launches carry its payload (it hears of ends through {@link InstanceEnds}). */
  public void workflowNodes(WorkflowNodes nodes) {
    workflowNodes = nodes;
  }

  /** The workflow engine's view (the due-pass asks it which jobs not to fire). */
  public WorkflowNodes workflowNodes() {
    return workflowNodes;
  }

  /** Told of every run created or ended on this node (the leader's due-pass: second-delay plans). */
  public void onRunsChanged(LongConsumer listener) {
    runsChanged = listener;
  }

  /** After a run of {@code jobId} ended: the due-pass hears of it, and if the job queues runs, the next may start. */
  private void runEnded(long jobId) {
    runsChanged.accept(jobId);
    queues.runEnded(jobId);
  }

  /**
   * Starts queued runs of every job that has some and a free slot: after a restart or a change of leader,
   * and as a safety net for ends this node did not see. Runs on the caller's thread (the due-pass).
   */
  public void resumeQueues() {
    queues.resumeAll();
  }

  /**
   * Picks a live master from the job's group (rotating) and submits; the next worker is tried on refusal.
   * Completes when a worker accepted the run or it failed.
   */
  public CompletableFuture<Void> launch(JobDefinition job, JobInstance instance) {
    return launch(job, instance, workflowNodes.beforeLaunch(job, instance));
  }

  /** As {@link #launch(JobDefinition, JobInstance)}, with the workflow engine's word on it already heard. */
  private CompletableFuture<Void> launch(JobDefinition job, JobInstance instance, WorkflowNodes.NodeLaunch node) {
    CompletableFuture<Void> handedOver = new CompletableFuture<>();
    if (node != null && node.refusal() != null) {
      storeExecutor.execute(() -> {
        if (ends.finish(instance.id(), instance.jobId(), InstanceState.KILLED, node.refusal(), clock.instant())) {
          log.info("instance {} of job {} not started: {}", instance.id(), job.name(), node.refusal());
          runEnded(instance.jobId());
        }
      });
      handedOver.complete(null);
      return handedOver;
    }
    WorkerGateway.WorkflowPayload payload = node == null ? null : node.payload();
    List<WorkerInfo> live = registry.rotation(job.groupId());
    List<WorkerInfo> candidates = DesignatedWorkers.pick(job.designation(), live);
    if (candidates.isEmpty()) {
      events.noWorker(job, instance); // alert rules: missWorkerEnable
      ends.fail(job, instance, live.isEmpty() ? "no live worker in group " + job.groupId()
          : DesignatedWorkers.noneAlive(job.designation(), job.groupId()));
      handedOver.complete(null);
      return handedOver;
    }
    List<WorkerAddress> group = candidates.stream().map(WorkerInfo::address).toList();
    submitTo(job, instance, candidates, 0, group, handedOver, payload);
    return handedOver;
  }

  private void submitTo(JobDefinition job, JobInstance instance, List<WorkerInfo> candidates, int index,
      List<WorkerAddress> group, CompletableFuture<Void> handedOver, WorkerGateway.WorkflowPayload payload) {
    WorkerInfo master = candidates.get(index);
    unanswered.put(instance.id(), new Unanswered());
    CompletionStage<WorkerGateway.Outcome> answer;
    try {
      answer = payload == null
          ? gateway.submit(master.address(), job, instance, group, groups.appGroupId(job.groupId()))
          : gateway.submit(master.address(), job, instance, group, groups.appGroupId(job.groupId()), payload);
    } catch (RuntimeException e) {
      unanswered.remove(instance.id());
      throw e;
    }
    answer.whenComplete((outcome, failure) -> answered(job, instance, candidates, index, group, handedOver, payload, outcome, failure));
  }

  /** A master's answer to a submit (alone or in a batch): its start is stored, or the next worker is tried. */
  private void answered(JobDefinition job, JobInstance instance, List<WorkerInfo> candidates, int index,
      List<WorkerAddress> group, CompletableFuture<Void> handedOver, WorkerGateway.WorkflowPayload payload,
      WorkerGateway.Outcome outcome, Throwable failure) {
    boolean accepted = failure == null && outcome.accepted();
    WorkerInfo master = candidates.get(index);
    if (accepted) {
      // Noted before the submit counts as answered: a kill or report that finds no unanswered submit finds this.
      Accepted start = new Accepted(job, instance, master, clock.instant());
      unstoredStarts.put(instance.id(), start);
      storeStartLater(start);
    }
    Unanswered waited = unanswered.remove(instance.id());
    if (waited != null) {
      waited.finalReports.forEach(intake::add); // stored with the start now noted, or alone if refused
      if (waited.killed && accepted) {
        ends.killOn(master.address(), job, instance);
      }
    }
    if (accepted || waited != null && waited.killed) {
      handedOver.complete(null); // a run killed while its submit was unanswered is not offered to another worker
    } else {
      storeExecutor.execute(() -> notAccepted(job, instance, candidates, index, group, failure, outcome, handedOver, payload));
    }
  }

  /** What waits for a submit's answer: see {@link #unanswered}. */
  private static final class Unanswered {
    boolean killed;
    final List<Reported> finalReports = new ArrayList<>(1);
  }

  /** One run for {@link #launchAll}. */
  public record Launch(JobDefinition job, JobInstance instance) {}

  /** A run of {@link #launchAll} in a master's batch, with the workers to try next should the master refuse it. */
  private record Batched(WorkerGateway.BatchItem item, List<WorkerInfo> candidates) {}

  /** A third of a worker's default report-retry interval (3 s): no report is sent twice because of a burst. */
  static final Duration BURST_HOLD = Duration.ofSeconds(1);

  /**
   * Runs {@code launches} while the storing of accepted runs and status reports waits, at most
   * {@link #BURST_HOLD} (see {@link StoreIntake#hold}), and answers what it answers.
   */
  public <T> T launchingBurst(Supplier<T> launches) {
    intake.hold(BURST_HOLD);
    try {
      return launches.get();
    } finally {
      intake.release();
    }
  }

  /**
   * Launches many runs at once (a workflow node's children), as {@link #launch} each: a master is picked per run
   * (rotating), and the runs of one master that takes batches (our daemons) go to it in a few messages instead of one
   * each; official workers get one submit per run. A refused run tries the next worker alone, as with {@link #launch}.
   */
  public void launchAll(List<Launch> runs) {
    Map<WorkerAddress, List<Batched>> batches = new LinkedHashMap<>();
    for (Launch run : runs) {
      JobDefinition job = run.job();
      JobInstance instance = run.instance();
      WorkflowNodes.NodeLaunch node = workflowNodes.beforeLaunch(job, instance);
      if (node != null && node.refusal() != null) {
        launch(job, instance, node); // ends it KILLED with the reason
        continue;
      }
      WorkerGateway.WorkflowPayload payload = node == null ? null : node.payload();
      List<WorkerInfo> live = registry.rotation(job.groupId());
      List<WorkerInfo> candidates = DesignatedWorkers.pick(job.designation(), live);
      if (candidates.isEmpty() || !WorkerCapabilities.batchSubmit(candidates.get(0))) {
        launch(job, instance, node);
        continue;
      }
      List<WorkerAddress> group = candidates.stream().map(WorkerInfo::address).toList();
      batches.computeIfAbsent(candidates.get(0).address(), a -> new ArrayList<>()).add(new Batched(
          new WorkerGateway.BatchItem(job, instance, group, groups.appGroupId(job.groupId()), payload), candidates));
    }
    batches.forEach((master, batch) -> {
      batch.forEach(b -> unanswered.put(b.item().instance().id(), new Unanswered()));
      List<CompletableFuture<WorkerGateway.Outcome>> outcomes;
      try {
        outcomes = gateway.submitAll(master, batch.stream().map(Batched::item).toList());
      } catch (RuntimeException e) {
        batch.forEach(b -> unanswered.remove(b.item().instance().id()));
        throw e;
      }
      for (int i = 0; i < batch.size(); i++) {
        Batched b = batch.get(i);
        WorkerGateway.BatchItem item = b.item();
        outcomes.get(i).whenComplete((outcome, failure) -> answered(item.job(), item.instance(), b.candidates(), 0,
            item.workers(), new CompletableFuture<>(), item.workflow(), outcome, failure));
      }
    });
  }

  /**
   * Queues an accepted run's start for the store {@link #START_STORE_DELAY} from now; its end, should it come first,
   * takes it along ({@link #plan}) and this one is then skipped ({@link #storeBatch}).
   */
  private void storeStartLater(Accepted accepted) {
    try {
      timers.schedule(() -> intake.add(accepted), START_STORE_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      intake.add(accepted); // the server stops: stored now if it still can be
    }
  }

  /** The master that accepted a run whose start is not stored yet. */
  private Optional<WorkerAddress> acceptedMaster(long instanceId) {
    Accepted a = unstoredStarts.get(instanceId);
    return a == null ? Optional.empty() : Optional.of(a.master().address());
  }

  /**
   * Where the kill of a run whose start is not stored goes: its accepted master; or empty when its submit is still
   * unanswered, and then the answer sends the kill to the master that accepted it ({@link #answered}).
   */
  private Optional<WorkerAddress> masterToKill(long instanceId) {
    Unanswered waiting = unanswered.computeIfPresent(instanceId, (id, u) -> {
      u.killed = true;
      return u;
    });
    return waiting != null ? Optional.empty() : acceptedMaster(instanceId);
  }

  /**
   * Holds a final report whose run's submit is unanswered (the worker's report overtook its answer) until the answer
   * comes; answers whether it did.
   */
  private boolean waitsForTheAnswer(Reported finalReport) {
    long id = finalReport.instanceId();
    if (unstoredStarts.containsKey(id)) {
      return false;
    }
    Unanswered waiting = unanswered.computeIfPresent(id, (key, u) -> {
      u.finalReports.add(finalReport);
      return u;
    });
    if (waiting != null) {
      log.debug("instance {}: final report stored once its submit is answered", id);
    }
    return waiting != null;
  }

  /** A master accepted a run at {@code at}; its start is stored by whichever comes first, this or its end. */
  private record Accepted(JobDefinition job, JobInstance instance, WorkerInfo master, Instant at) implements Stored {
    @Override
    public long instanceId() {
      return instance.id();
    }
  }

  private void started(Accepted accepted) {
    log.debug("instance {} of job {} submitted to worker {}",
        accepted.instance().id(), accepted.job().name(), accepted.master().workerId());
    events.started(accepted.job(), accepted.instance(), accepted.at());
  }

  private void notAccepted(JobDefinition job, JobInstance instance, List<WorkerInfo> candidates, int index,
      List<WorkerAddress> group, Throwable failure, WorkerGateway.Outcome outcome, CompletableFuture<Void> handedOver,
      WorkerGateway.WorkflowPayload payload) {
    WorkerInfo master = candidates.get(index);
    String why = failure != null ? "no answer within the submit timeout" : outcome.message();
    if (failure == null && index + 1 < candidates.size()) {
      log.warn("worker {} refused instance {} of job {}: {}; trying the next worker",
          master.workerId(), instance.id(), job.name(), why);
      try {
        submitTo(job, instance, candidates, index + 1, group, handedOver, payload);
      } catch (RuntimeException e) {
        handedOver.completeExceptionally(e); // the trigger's caller must not wait for ever
        throw e;
      }
    } else {
      if (failure == null) {
        events.allWorkersBusy(job, instance, why); // alert rules: every worker refused
      }
      ends.fail(job, instance, "submit to worker " + master.workerId() + " failed: " + why);
      handedOver.complete(null);
    }
  }

  /** Stores a status report; the returned future completes once stored, which is when the worker gets its ack. */
  public CompletableFuture<Void> onStatusReport(StatusReport report) {
    Reported reported = new Reported(report, new CompletableFuture<>());
    intake.add(reported);
    return reported.stored();
  }

  /** Progress JSON from a map or broadcast master; fire and forget. */
  public void onProgress(long instanceId, String progressJson) {
    storeExecutor.execute(() -> instances.updateProgress(instanceId, progressJson));
  }

  /** What {@link #intake} carries: an accepted submit, or a status report with the future its ack waits for. */
  private sealed interface Stored permits Accepted, Reported {
    long instanceId();
  }

  private record Reported(StatusReport report, CompletableFuture<Void> stored) implements Stored {
    @Override
    public long instanceId() {
      return report.instanceId();
    }
  }

  /** A report's changes for the store and what follows once stored. */
  private static final class PlannedReport {
    final Reported reported;
    final List<InstanceRepository.Change> changes = new ArrayList<>(2);
    InstanceState state;
    /** The run's start, stored with its end (not stored before). */
    Accepted start;
    /** Index of the end in {@code changes}, -1 when the report ends nothing. */
    int end = -1;

    PlannedReport(Reported reported) {
      this.reported = reported;
    }
  }

  /**
   * Stores accepted submits and status reports that queued meanwhile, in one transaction: starts first, so that a
   * run's start and end in one batch are stored in that order. Should the transaction fail, each is stored alone, so
   * one bad report costs only its own ack (its worker re-sends it).
   */
  private void storeBatch(List<Stored> batch) {
    // A run whose start and final report are both here gets one write for both (its end's).
    Set<Long> endedHere = new HashSet<>();
    List<Stored> storedNow = new ArrayList<>(batch.size());
    for (Stored s : batch) {
      if (s instanceof Reported r && isFinal(r.report().status())) {
        if (waitsForTheAnswer(r)) {
          continue;
        }
        endedHere.add(r.instanceId());
      }
      storedNow.add(s);
    }
    List<Accepted> starts = new ArrayList<>();
    List<Accepted> withTheirEnd = new ArrayList<>();
    Set<Long> startIds = new HashSet<>();
    List<PlannedReport> reports = new ArrayList<>();
    for (Stored s : storedNow) {
      if (s instanceof Accepted a) {
        if (unstoredStarts.get(a.instance().id()) == a) {
          if (endedHere.contains(a.instance().id())) {
            withTheirEnd.add(a);
          } else {
            starts.add(a);
            startIds.add(a.instance().id());
          }
        }
      } else {
        Reported r = (Reported) s;
        PlannedReport planned = plan(r, startIds);
        if (planned == null) {
          r.stored().complete(null); // nothing to store: acknowledged as before
        } else {
          reports.add(planned);
        }
      }
    }
    if (!withTheirEnd.isEmpty()) {
      Set<Accepted> taken = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      reports.forEach(p -> taken.add(p.start));
      for (Accepted a : withTheirEnd) {
        if (!taken.contains(a)) {
          starts.add(a); // its end was ignored (a replaced master's): the start is stored alone
        }
      }
    }
    storeTogether(starts, reports);
  }

  /**
   * Stores starts and reports in one transaction, then acknowledges the reports and runs what follows each change.
   * A failed transaction of several is retried item by item, so only a bad item fails.
   */
  private void storeTogether(List<Accepted> starts, List<PlannedReport> reports) {
    List<InstanceRepository.Change> changes = new ArrayList<>();
    starts.forEach(a -> changes.add(started(a.instance().id(), a)));
    reports.forEach(p -> changes.addAll(p.changes));
    List<Boolean> applied;
    try {
      applied = instances.storeAll(changes);
    } catch (RuntimeException e) {
      if (starts.size() + reports.size() > 1) {
        log.warn("{} starts and {} status reports not stored together, storing each alone: {}", starts.size(), reports.size(),
            e.toString());
        starts.forEach(a -> storeTogether(List.of(a), List.of()));
        reports.forEach(p -> storeTogether(List.of(), List.of(p)));
      } else {
        failed(starts, reports, e);
      }
      return;
    }
    // Committed: the acks leave before what follows (a worker's next batch of reports waits for this one's answer).
    reports.forEach(p -> p.reported.stored().complete(null));
    Instant now = clock.instant();
    int at = 0;
    for (Accepted a : starts) {
      at++;
      unstoredStarts.remove(a.instance().id(), a);
      afterStore(a.instance().id(), () -> started(a));
    }
    for (PlannedReport p : reports) {
      if (p.end >= 0) {
        boolean ended = applied.get(at + p.end);
        afterStore(p.reported.report().instanceId(), () -> reportedEnd(p, ended, now));
      }
      at += p.changes.size();
    }
  }

  /** Runs what follows a stored change; a failure there is the change's alone, never the batch's others'. */
  private static void afterStore(long instanceId, Runnable followUp) {
    try {
      followUp.run();
    } catch (RuntimeException e) {
      log.error("instance {}: stored, but what follows failed", instanceId, e);
    }
  }

  private static void failed(List<Accepted> starts, List<PlannedReport> reports, RuntimeException e) {
    // A start not stored is stored with the run's end (its entry stays); a report not stored is re-sent by its worker.
    starts.forEach(a -> log.warn("start of instance {} not stored: {}", a.instance().id(), e.toString()));
    reports.forEach(p -> {
      log.warn("status report of instance {} not stored, the worker will re-send: {}", p.reported.report().instanceId(),
          e.toString());
      p.reported.stored().completeExceptionally(e);
    });
  }

  private static boolean isFinal(int status) {
    try {
      return InstanceState.fromValue(status).isFinished();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static InstanceRepository.Started started(long id, Accepted a) {
    return new InstanceRepository.Started(id, a.master().workerId(), a.master().address().hostPort(), a.at());
  }

  /** What a report changes, or null when nothing (unknown status, no progress and not final, a replaced master's). */
  private PlannedReport plan(Reported r, Set<Long> startsOfBatch) {
    StatusReport report = r.report();
    InstanceState state;
    try {
      state = InstanceState.fromValue(report.status());
    } catch (IllegalArgumentException e) {
      log.warn("instance {}: ignoring report with unknown status {} from {}", report.instanceId(), report.status(), report.from());
      return null;
    }
    PlannedReport planned = new PlannedReport(r);
    planned.state = state;
    if (report.progress() != null && !report.progress().isEmpty()) {
      try {
        planned.changes.add(new InstanceRepository.Progress(report.instanceId(), report.progress()));
      } catch (IllegalArgumentException e) {
        log.warn("instance {}: progress of {} characters not stored: {}", report.instanceId(), report.progress().length(),
            e.getMessage());
      }
    }
    if (state.isFinished()) {
      MasterResume resumed = resume;
      if (resumed != null && resumed.fromReplacedMaster(report.instanceId(), report.from())) {
        log.info("instance {}: final report {} from {} ignored: that master was replaced", report.instanceId(), state, report.from());
      } else {
        Accepted a = unstoredStarts.get(report.instanceId());
        // A start stored earlier in this batch is not stored again with the end.
        planned.start = a != null && !startsOfBatch.contains(report.instanceId()) ? a : null;
        planned.end = planned.changes.size();
        planned.changes.add(new InstanceRepository.Ended(report.instanceId(), state, report.result(), clock.instant(),
            planned.start == null ? null : started(report.instanceId(), planned.start)));
      }
    }
    return planned.changes.isEmpty() ? null : planned;
  }

  /** After the store of a reported end: the run is told ended (when this store ended it) and retried as its job says. */
  private void reportedEnd(PlannedReport p, boolean ended, Instant now) {
    StatusReport report = p.reported.report();
    if (p.start != null) {
      unstoredStarts.remove(report.instanceId(), p.start);
      started(p.start);
    }
    Instant createdAt = ends.createdAt(report.instanceId());
    if (ends.endStored(report.instanceId(), report.jobId(), p.state, ended)) {
      // The one INFO line of a run on the server (creation and submission are DEBUG): its end, where, how long.
      // Where and how long after its creation come last: scripts and tests read "finished STATE: result".
      log.info("instance {} of job {} finished {}: {} [{}{}]", report.instanceId(), report.jobId(), p.state,
          abbreviate(report.result()), report.from(),
          createdAt == null ? "" : ", " + Duration.between(createdAt, now).toMillis() + " ms after creation");
      if (p.state != InstanceState.SUCCESS) {
        ends.retryIfAllowed(report.instanceId());
      }
      runEnded(report.jobId());
    }
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
