package dev.schedulerx.server.dispatch;

import dev.schedulerx.protocol.WorkerAddress;
import dev.schedulerx.server.gateway.WorkerGateway;
import dev.schedulerx.server.registry.WorkerInfo;
import dev.schedulerx.server.registry.WorkerRegistry;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.JobRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How instances end when their worker does not report the end: killed, timed out, their master lost, orphaned
 * by a change of leader, or never handed out. Every end, reported ones too, is recorded here once ({@link
 * #finish}), then told to the listeners and retried as its job says. Starting runs is {@link InstanceLifecycle}'s.
 */
public final class InstanceEnds {
  private static final Logger log = LoggerFactory.getLogger(InstanceEnds.class);

  private final JobRepository jobs;
  private final InstanceRepository instances;
  private final WorkerRegistry registry;
  private final WorkerGateway gateway;
  private final Clock clock;
  private final Executor storeExecutor;
  private final ScheduledExecutorService timers;
  private final InstanceEvents events;
  /**
   * Creation time of the unfinished runs this node created, for the duration in their end's log line; an entry
   * leaves when the run ends here, or all when this node stops leading (the next leader ends them).
   */
  private final Map<Long, Instant> live = new ConcurrentHashMap<>();
  /** The creating side's follow-ups, set once by {@link InstanceLifecycle}'s constructor: see {@link #connect}. */
  private volatile LongConsumer runEnded = jobId -> {};
  private volatile BiConsumer<JobDefinition, JobInstance> createRetry = (job, failed) -> {};
  private volatile BiConsumer<JobDefinition, JobInstance> launch = (job, run) -> {};
  private volatile LongFunction<Optional<WorkerAddress>> acceptedMaster = id -> Optional.empty();
  private volatile LongFunction<Optional<WorkerAddress>> masterToKill = id -> Optional.empty();
  /** The workflow engine's view of instances; set once at start. */
  private volatile WorkflowNodes workflowNodes = WorkflowNodes.NONE;
  /** Master resume; null when off. Set once at start. */
  private volatile MasterResume resume;

  public InstanceEnds(
      JobRepository jobs,
      InstanceRepository instances,
      WorkerRegistry registry,
      WorkerGateway gateway,
      Clock clock,
      Executor storeExecutor,
      ScheduledExecutorService timers,
      InstanceEvents events) {
    this.jobs = jobs;
    this.instances = instances;
    this.registry = registry;
    this.gateway = gateway;
    this.clock = clock;
    this.storeExecutor = storeExecutor;
    this.timers = timers;
    this.events = events;
  }

  /**
   * Connects the side that creates runs: {@code runEnded} hears of every run this node ended (the next queued run
   * may start), {@code createRetry} creates the next attempt of a failed run once its job's retry interval passed,
   * {@code launch} hands a run out (one a previous leader created and no worker has: {@link #settleOrphans}),
   * {@code acceptedMaster} names the master of a run it accepted whose start is not stored yet, and
   * {@code masterToKill} the same for a kill, empty when the run's submit is unanswered (the answer then sends the
   * kill through {@link #killOn}).
   */
  void connect(LongConsumer runEnded, BiConsumer<JobDefinition, JobInstance> createRetry, BiConsumer<JobDefinition, JobInstance> launch,
      LongFunction<Optional<WorkerAddress>> acceptedMaster, LongFunction<Optional<WorkerAddress>> masterToKill) {
    this.runEnded = runEnded;
    this.createRetry = createRetry;
    this.launch = launch;
    this.acceptedMaster = acceptedMaster;
    this.masterToKill = masterToKill;
  }

  /** Turns master resume on: instances whose master dies are handed to another worker instead of failing. */
  public void masterResume(MasterResume masterResume) {
    resume = masterResume;
  }

  /** Connects the workflow engine: it hears of every instance end, and a lost node's master is resumed with its payload. */
  public void workflowNodes(WorkflowNodes nodes) {
    workflowNodes = nodes;
  }

  /** This node no longer leads: the runs it created are looked after by the next leader. */
  public void leadershipLost() {
    live.clear();
  }

  /** A run was created on this node: its end's log line tells how long after. */
  void created(JobInstance instance) {
    live.put(instance.id(), instance.createdAt());
  }

  /** When the run was created, if on this node and not ended yet; else null. */
  Instant createdAt(long instanceId) {
    return live.get(instanceId);
  }

  /**
   * Kills a running instance: it is recorded KILLED first (so the master's own "killed" report cannot
   * race it into FAILED), then its master is asked to stop every task on every worker. Completes with the
   * outcome as one line; fails with IllegalArgumentException when there is nothing to kill.
   */
  public CompletableFuture<String> kill(long instanceId) {
    return CompletableFuture.supplyAsync(() -> {
      JobInstance instance = instances.findById(instanceId).orElseThrow(() -> new IllegalArgumentException("no instance " + instanceId));
      if (instance.state().isFinished()) {
        throw new IllegalArgumentException("instance " + instanceId + " already finished " + instance.state());
      }
      Optional<JobDefinition> job = jobs.findById(instance.jobId());
      String outcome = killed(instance, "killed by request");
      // Read again when not known: the start may have been stored (and left the accepted ones) meanwhile.
      Optional<WorkerAddress> master = instance.master().or(() -> masterToKill.apply(instanceId))
          .or(() -> instances.findById(instanceId).flatMap(JobInstance::master));
      if (job.isPresent() && master.isPresent()) {
        killOn(master.get(), job.get(), instance);
      }
      return outcome;
    }, storeExecutor);
  }

  /** Asks {@code master} to stop every task of {@code instance}; a kill it does not confirm is logged. */
  void killOn(WorkerAddress master, JobDefinition job, JobInstance instance) {
    gateway.kill(master, job, instance).whenComplete((ok, failure) -> {
      if (failure != null) {
        log.warn("instance {}: master {} did not confirm the kill: {}", instance.id(), master.workerId(), failure.toString());
      }
    });
  }

  /**
   * The worker a run runs on: its stored master, or the master that accepted it while its start is not stored yet
   * (right after the acceptance, see {@link InstanceLifecycle#START_STORE_DELAY}).
   */
  private Optional<WorkerAddress> masterOf(JobInstance instance) {
    return instance.master().or(() -> acceptedMaster.apply(instance.id()));
  }

  private String killed(JobInstance instance, String why) {
    if (finish(instance.id(), instance.jobId(), InstanceState.KILLED, why, clock.instant())) {
      log.info("instance {} of job {} {}", instance.id(), instance.jobName(), why);
      runEnded.accept(instance.jobId());
      return "instance " + instance.id() + " " + why;
    }
    return "instance " + instance.id() + " had already finished";
  }

  /**
   * Ends every running instance that has run longer than its job's timeout: FAILED "timeout", its master
   * told to kill it, and retried as the job says. Runs on the caller's thread (the due-pass).
   */
  public void enforceTimeouts(Instant now) {
    Map<Long, Optional<JobDefinition>> jobsById = new HashMap<>();
    for (JobInstance instance : instances.findUnfinished()) {
      if (instance.startedAt() == null) {
        continue;
      }
      Optional<JobDefinition> job = jobsById.computeIfAbsent(instance.jobId(), jobs::findById);
      long timeout = job.map(JobDefinition::timeoutSeconds).orElse(0L);
      // Alert rules look at every running run (monitorConfig timeout, deadline) and may ask to end it.
      String ruleTimeout = job.isPresent() ? events.stillRunning(job.get(), instance, now) : null;
      if (ruleTimeout == null && (timeout <= 0 || instance.startedAt().plusSeconds(timeout).isAfter(now))) {
        continue;
      }
      String why = ruleTimeout != null ? ruleTimeout : "timeout: still running after " + timeout + " s";
      if (finish(instance.id(), instance.jobId(), InstanceState.FAILED, why, now)) {
        log.warn("instance {} of job {} failed: {}", instance.id(), instance.jobName(), why);
        masterOf(instance).ifPresent(master -> killOn(master, job.get(), instance));
        retryIfAllowed(instance.id());
        runEnded.accept(instance.jobId());
      }
    }
  }

  /** A worker stopped heartbeating or went offline: instances it was master of go on elsewhere, or fail. */
  public void onWorkerDropped(WorkerInfo worker, String why) {
    storeExecutor.execute(
        () -> {
          for (JobInstance instance : instances.findUnfinished()) {
            if (masterOf(instance).filter(worker.address()::equals).isPresent()) {
              masterLost(instance, worker.workerId(), why);
            }
          }
        });
  }

  /**
   * After a change of leader, once the grace for workers to re-register is over, the unfinished instances created
   * before this node became leader (queued ones wait for their slot under this leader too):
   * <ul>
   *   <li>whose master did not come back: they can no longer finish and fail (or are resumed), and retry as their
   *       job says;
   *   <li>whose master is not stored, but a live worker's heartbeat lists them as running (the previous leader stopped
   *       between the worker's acceptance and storing it): that worker becomes their recorded master;
   *   <li>whose master is not stored and that no live worker runs: the previous leader stopped before handing them
   *       out (e.g. between creating a workflow fan-out's children and submitting them), so they are handed out now,
   *       as they are. Were a worker that took one gone since, this is the retry its loss would have caused.
   * </ul>
   * Runs on the caller's thread.
   */
  public void settleOrphans(Instant leaderSince) {
    Map<Long, WorkerInfo> runningOn = new HashMap<>();
    for (WorkerInfo worker : registry.all()) {
      worker.runningInstances().forEach(id -> runningOn.put(id, worker));
    }
    for (JobInstance instance : instances.findUnfinished()) {
      if (!instance.createdAt().isBefore(leaderSince) || instance.queued()) {
        continue; // a queued run was never handed out: it waits for its slot under this leader too
      }
      Optional<WorkerAddress> master = instance.master();
      WorkerInfo runner = runningOn.get(instance.id());
      if (master.isEmpty() && runner != null) {
        adopt(instance, runner);
      } else if (master.isEmpty()) {
        handOut(instance);
      } else if (!registry.isAlive(master.get())) {
        masterLost(instance, master.get().workerId(), "did not re-register with the new leader");
      }
    }
  }

  /**
   * The master of a running instance is gone: a Map/MapReduce/sharding instance whose master kept a log is
   * resumed by another worker (see {@link MasterResume}); any other fails, and retries as its job says.
   */
  private void masterLost(JobInstance instance, String master, String why) {
    MasterResume r = resume;
    Optional<JobDefinition> job = r == null ? Optional.empty() : jobs.findById(instance.jobId());
    if (job.isPresent()) {
      WorkflowNodes.NodeLaunch node = workflowNodes.beforeLaunch(job.get(), instance);
      if ((node == null || node.refusal() == null)
          && r.tryResume(job.get(), instance, master, why, node == null ? null : node.payload(), reason -> failLost(instance, reason))) {
        return;
      }
    }
    failLost(instance, "worker " + master + " " + why);
  }

  /** Records the worker that runs an instance as its master (its start was accepted, not stored). */
  private void adopt(JobInstance instance, WorkerInfo runner) {
    if (instances.markRunning(instance.id(), runner.address().workerId(), runner.address().hostPort(), clock.instant())) {
      log.info("instance {} of job {}: its start was not stored before the previous leader stopped; worker {} runs it "
          + "and is its master", instance.id(), instance.jobName(), runner.address().workerId());
    }
  }

  private void handOut(JobInstance instance) {
    Optional<JobDefinition> job = jobs.findById(instance.jobId());
    if (job.isEmpty()) {
      failLost(instance, "not handed to a worker before the previous leader stopped, and its job no longer exists");
      return;
    }
    log.info("instance {} of job {}: the previous leader stopped before handing it to a worker; handed out now",
        instance.id(), instance.jobName());
    launch.accept(job.get(), instance);
  }

  private void failLost(JobInstance instance, String reason) {
    if (finish(instance.id(), instance.jobId(), InstanceState.FAILED, reason, clock.instant())) {
      log.warn("instance {} of job {} failed: {}", instance.id(), instance.jobName(), reason);
      retryIfAllowed(instance.id());
      runEnded.accept(instance.jobId());
    }
  }

  /** A run could not be handed to any worker: it fails (on the store executor) and retries as its job says. */
  void fail(JobDefinition job, JobInstance instance, String why) {
    storeExecutor.execute(
        () -> {
          if (finish(instance.id(), instance.jobId(), InstanceState.FAILED, why, clock.instant())) {
            log.warn("instance {} of job {} failed: {}", instance.id(), job.name(), why);
            retryIfAllowed(instance.id());
            runEnded.accept(instance.jobId());
          }
        });
  }

  /** Records the end of an instance; true when this call ended it (and only then is it counted). */
  boolean finish(long instanceId, long jobId, InstanceState state, String why, Instant at) {
    return endStored(instanceId, jobId, state, instances.finish(instanceId, state, why, at));
  }

  /**
   * After a store of the run's end: the run is forgotten here, and when that store ended it ({@code endedNow})
   * the end is told to metrics, alert rules, the workflow engine and master resume. Returns {@code endedNow}.
   */
  boolean endStored(long instanceId, long jobId, InstanceState state, boolean endedNow) {
    live.remove(instanceId);
    if (endedNow) {
      events.finished(jobId, state);
      events.runEnded(instanceId, jobId, state);
      workflowNodes.ended(instanceId, jobId, state);
      MasterResume r = resume;
      if (r != null) {
        r.ended(instanceId);
      }
    }
    return endedNow;
  }

  /** A run ended unsuccessfully: its next attempt is created after the job's retry interval, if it has one left. */
  void retryIfAllowed(long instanceId) {
    instances.findById(instanceId).ifPresent(this::retryIfAllowed);
  }

  private void retryIfAllowed(JobInstance failed) {
    Optional<JobDefinition> job = jobs.findById(failed.jobId());
    if (job.isEmpty() || failed.attempt() >= job.get().maxAttempt()) {
      return;
    }
    JobDefinition j = job.get();
    log.info("instance {} of job {} will be retried in {} s (attempt {} of {})",
        failed.id(), j.name(), j.attemptIntervalSeconds(), failed.attempt() + 1, j.maxAttempt());
    timers.schedule(
        () -> storeExecutor.execute(() -> createRetry.accept(j, failed)),
        j.attemptIntervalSeconds(),
        TimeUnit.SECONDS);
  }
}
