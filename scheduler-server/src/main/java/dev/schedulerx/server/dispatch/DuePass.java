package dev.schedulerx.server.dispatch;

import dev.schedulerx.job.schedule.Schedules;
import dev.schedulerx.job.schedule.TimeType;
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
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over all jobs: starts every run that is due, and drops workers that stopped heartbeating.
 * Runs on the server's scheduling thread; {@link #run()} never throws, so one bad pass never stops the loop.
 *
 * <p>The server calls {@link #run()} every few milliseconds: a full pass (jobs read from the database,
 * timeouts, expired workers) happens once per refresh interval, the passes in between only start what the
 * plans kept in memory say is due, so a run starts within milliseconds of its schedule time without a
 * database query per job and tick. Second-delay plans are re-read from the database when one of the job's
 * runs was created or ended on this node, and at least every {@link #RECHECK} while a run is unfinished
 * (an end seen by another node). Starting a run (database insert, submit) is handed to {@code starter}.
 */
public final class DuePass implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(DuePass.class);

  private final JobRepository jobs;
  private final InstanceRepository instances;
  private final InstanceLifecycle lifecycle;
  private final InstanceEnds ends;
  private final WorkerRegistry registry;
  private final Clock clock;
  /**
   * The next run of each job as last computed, kept while the job's definition is unchanged: a job that
   * never ran has no history to recompute its first slot from, and parsing every pass would be waste.
   */
  private final Map<Long, Planned> planned = new HashMap<>();

  private final Map<Long, JobDefinition> broken = new HashMap<>();

  private record Planned(JobDefinition job, Instant due) {}

  /** A second-delay job's next run; {@code due} null while one of its runs is unfinished. */
  private record DelayPlan(JobDefinition job, Instant due, Instant checkedAt) {}

  /** How long a second-delay job with an unfinished run waits before the database is asked again. */
  static final Duration RECHECK = Duration.ofSeconds(1);

  private final Map<Long, DelayPlan> delayPlans = new HashMap<>();
  /** Jobs whose runs were created or ended since the last pass (any thread adds, the pass drains). */
  private final Queue<Long> changedJobs = new ConcurrentLinkedQueue<>();
  private final Executor starter;
  private final Duration refreshInterval;
  private List<JobDefinition> jobList = List.of();
  private Instant nextRefresh = Instant.MIN;
  /** The earliest moment an in-memory plan may change (a run due, a recheck); ticks before it do nothing. */
  private Instant nextWake = Instant.MIN;

  /** Timeouts are looked for once a second, not on every pass. */
  private static final java.time.Duration TIMEOUT_CHECK_INTERVAL = java.time.Duration.ofSeconds(1);

  private Instant nextTimeoutCheck = Instant.MIN;

  /**
   * Until then (a worker timeout after this node became leader) workers are not expired and jobs of groups
   * without a live worker wait: workers of the previous leader re-register within one heartbeat.
   */
  private final Instant graceUntil;

  /** When this node became leader; null for a pass that is not the result of an election. */
  private final Instant leaderSince;

  private boolean orphansChecked;

  public DuePass(JobRepository jobs, InstanceRepository instances, InstanceLifecycle lifecycle, InstanceEnds ends,
      WorkerRegistry registry, Clock clock) {
    this(jobs, instances, lifecycle, ends, registry, clock, null, Instant.MIN);
  }

  /** As the 8-argument constructor, with runs started on {@code starter} and a full pass every {@code refreshInterval}. */
  public DuePass(JobRepository jobs, InstanceRepository instances, InstanceLifecycle lifecycle, InstanceEnds ends,
      WorkerRegistry registry, Clock clock, Instant leaderSince, Instant graceUntil, Executor starter, Duration refreshInterval) {
    this.leaderSince = leaderSince;
    this.graceUntil = graceUntil;
    this.jobs = jobs;
    this.instances = instances;
    this.lifecycle = lifecycle;
    this.ends = ends;
    this.registry = registry;
    this.clock = clock;
    this.starter = starter;
    this.refreshInterval = refreshInterval;
    lifecycle.onRunsChanged(this::runsChanged);
  }

  /**
   * A pass of a node that became leader at {@code leaderSince}: see {@link #graceUntil}; when the grace ends,
   * instances left over from the previous leader whose master did not re-register fail.
   */
  public DuePass(JobRepository jobs, InstanceRepository instances, InstanceLifecycle lifecycle, InstanceEnds ends,
      WorkerRegistry registry, Clock clock, Instant leaderSince, Instant graceUntil) {
    this(jobs, instances, lifecycle, ends, registry, clock, leaderSince, graceUntil, Runnable::run, Duration.ZERO);
  }

  /**
   * Whether runs of a group wait: during the grace, until one of the group's workers has re-registered with this
   * new leader (a run started before would fail at once with "no live worker"). Any thread.
   *
   * @param group read only during the grace
   */
  public boolean holdsRunsOf(Supplier<String> group) {
    return clock.instant().isBefore(graceUntil) && registry.workers(group.get()).isEmpty();
  }

  /** A run of the job was created or ended on this node: its second-delay plan is stale. Any thread. */
  void runsChanged(long jobId) {
    changedJobs.add(jobId);
  }

  /** A full pass when the refresh interval has passed, else only what the in-memory plans say is due. */
  @Override
  public void run() {
    try {
      Instant now = clock.instant();
      if (now.isBefore(nextRefresh)) {
        if (!now.isBefore(nextWake) || !changedJobs.isEmpty()) {
          startDue(now, now.isBefore(graceUntil));
        }
      } else {
        runOnce();
        nextRefresh = now.plus(refreshInterval);
      }
    } catch (RuntimeException e) {
      log.error("due-pass failed; the next pass carries on", e);
    }
  }

  /** A full pass: starts what is due now. Package-visible for tests that drive time by hand. */
  void runOnce() {
    Instant now = clock.instant();
    boolean inGrace = now.isBefore(graceUntil);
    if (!inGrace) {
      registry.expire(worker -> ends.onWorkerDropped(worker, "stopped heartbeating"));
      if (leaderSince != null && !orphansChecked) {
        ends.settleOrphans(leaderSince);
        orphansChecked = true;
      }
    }
    if (!now.isBefore(nextTimeoutCheck)) {
      ends.enforceTimeouts(now);
      if (!inGrace) {
        lifecycle.resumeQueues(); // queued runs left by a restart, a previous leader, or ends seen elsewhere
      }
      nextTimeoutCheck = now.plus(TIMEOUT_CHECK_INTERVAL);
    }
    jobList = jobs.findAll();
    startDue(now, inGrace);
  }

  private void startDue(Instant now, boolean inGrace) {
    for (Long changed = changedJobs.poll(); changed != null; changed = changedJobs.poll()) {
      delayPlans.remove(changed);
    }
    nextWake = Instant.MAX;
    for (JobDefinition job : jobList) {
      if (job.enabled() && job.timeType() != TimeType.API && !lifecycle.workflowNodes().holdsJob(job.id())) {
        if (inGrace && holdsRunsOf(job::groupId)) {
          continue; // its workers have not found this new leader yet
        }
        try {
          dueRun(job, now).ifPresent(due -> start(job, due, now));
          broken.remove(job.id());
        } catch (RuntimeException e) {
          if (!job.equals(broken.put(job.id(), job))) {
            log.error("job {} ({}) cannot be scheduled, other jobs carry on: {}", job.id(), job.name(), e.getMessage());
          }
        }
      }
    }
  }

  /** The due run of {@code job}, if any; otherwise notes in {@link #nextWake} when to look again. */
  private Optional<Instant> dueRun(JobDefinition job, Instant now) {
    if (job.timeType() == TimeType.SECOND_DELAY) {
      DelayPlan plan = delayPlans.get(job.id());
      if (plan != null && plan.job() != job && plan.job().equals(job)) {
        plan = new DelayPlan(job, plan.due(), plan.checkedAt()); // same definition, re-read: compare by identity from now on
        delayPlans.put(job.id(), plan);
      }
      if (plan == null || plan.job() != job || (plan.due() == null && !now.isBefore(plan.checkedAt().plus(RECHECK)))) {
        plan = new DelayPlan(job, secondDelayDue(job, now), now);
        delayPlans.put(job.id(), plan);
      }
      if (plan.due() == null || plan.due().isAfter(now)) {
        wakeAt(plan.due() != null ? plan.due() : plan.checkedAt().plus(RECHECK));
        return Optional.empty();
      }
      return Optional.of(plan.due());
    }
    ZoneId zone = Schedules.zoneOf(job.timeZone(), clock.getZone());
    Planned plan = planned.get(job.id());
    if (plan != null && plan.job() != job && plan.job().equals(job)) {
      plan = new Planned(job, plan.due()); // same definition, re-read: compare by identity from now on
      planned.put(job.id(), plan);
    }
    if (plan == null || plan.job() != job) {
      Instant last = instances.lastScheduleTime(job.id()).orElse(null);
      Optional<Instant> next = Schedules.nextDue(job.timeType(), job.timeExpression(), zone, last, now);
      if (next.isEmpty()) {
        planned.remove(job.id());
        return Optional.empty();
      }
      plan = new Planned(job, next.get());
      planned.put(job.id(), plan);
    }
    if (plan.due().isAfter(now)) {
      wakeAt(plan.due());
      return Optional.empty();
    }
    // A plan made before a pause is stale: catch up to the latest slot at or before now.
    Instant planDue = plan.due();
    return Optional.of(
        Schedules.nextDue(job.timeType(), job.timeExpression(), zone, planDue, now)
            .filter(next -> !next.isAfter(now))
            .orElse(planDue));
  }

  private void wakeAt(Instant moment) {
    if (moment.isBefore(nextWake)) {
      nextWake = moment;
    }
  }

  /** The next run is counted from the end of the last one; null while the last one is unfinished. */
  private Instant secondDelayDue(JobDefinition job, Instant now) {
    Optional<JobInstance> latest = instances.latestByJob(job.id());
    if (latest.isEmpty()) {
      return now;
    }
    if (latest.get().finishedAt() == null) {
      return null;
    }
    return latest.get().finishedAt().plus(Schedules.delayOf(job.timeType(), job.timeExpression()));
  }

  private void start(JobDefinition job, Instant due, Instant now) {
    if (job.timeType() == TimeType.SECOND_DELAY) {
      delayPlans.put(job.id(), new DelayPlan(job, null, now)); // running: no next run until it ends
      wakeAt(now.plus(RECHECK));
    } else {
      // The next slot follows this run's schedule time, as it would from the database once the run is stored.
      ZoneId zone = Schedules.zoneOf(job.timeZone(), clock.getZone());
      Optional<Instant> next = Schedules.nextDue(job.timeType(), job.timeExpression(), zone, due, now);
      if (next.isPresent()) {
        planned.put(job.id(), new Planned(job, next.get()));
        wakeAt(next.get());
      } else {
        planned.remove(job.id());
      }
    }
    starter.execute(() -> {
      try {
        createRun(job, due, now);
      } catch (RuntimeException e) {
        log.error("job {} ({}): its run of {} could not be started: {}", job.id(), job.name(), due, e.toString());
      }
    });
  }

  private void createRun(JobDefinition job, Instant due, Instant now) {
    if (!job.queuesExtraRuns() && instances.countRunning(job.id()) >= Math.max(1, job.maxConcurrency())) {
      log.info("job {} skips its run of {}: {} instance(s) still running (max concurrency {})",
          job.name(), due, instances.countRunning(job.id()), job.maxConcurrency());
      instances
          .create(job.id(), job.groupId(), job.name(), due, TriggerType.SCHEDULE, "", 0, now)
          .ifPresent(skipped -> instances.finish(skipped.id(), InstanceState.SKIPPED,
              "skipped: max concurrency " + job.maxConcurrency() + " reached", now));
      return;
    }
    lifecycle.createScheduled(job, due, TriggerType.SCHEDULE, 0, "");
  }
}
