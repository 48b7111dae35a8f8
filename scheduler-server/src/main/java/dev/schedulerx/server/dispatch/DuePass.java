package dev.schedulerx.server.dispatch;

import dev.schedulerx.server.registry.WorkerRegistry;
import dev.schedulerx.server.schedule.Schedules;
import dev.schedulerx.server.schedule.TimeType;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.JobRepository;
import dev.schedulerx.server.store.TriggerType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over all jobs: starts every run that is due, and drops workers that stopped heartbeating.
 * Runs on the server's scheduling thread; {@link #run()} never throws, so one bad pass never stops the loop.
 */
public final class DuePass implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(DuePass.class);

  private final JobRepository jobs;
  private final InstanceRepository instances;
  private final InstanceLifecycle lifecycle;
  private final WorkerRegistry registry;
  private final Clock clock;
  /**
   * The next run of each job as last computed, kept while the job's definition is unchanged: a job that
   * never ran has no history to recompute its first slot from, and parsing every pass would be waste.
   */
  private final Map<Long, Planned> planned = new HashMap<>();

  private final Map<Long, JobDefinition> broken = new HashMap<>();

  private record Planned(JobDefinition job, Instant due) {}

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

  public DuePass(JobRepository jobs, InstanceRepository instances, InstanceLifecycle lifecycle, WorkerRegistry registry, Clock clock) {
    this(jobs, instances, lifecycle, registry, clock, null, Instant.MIN);
  }

  /**
   * A pass of a node that became leader at {@code leaderSince}: see {@link #graceUntil}; when the grace ends,
   * instances left over from the previous leader whose master did not re-register fail.
   */
  public DuePass(JobRepository jobs, InstanceRepository instances, InstanceLifecycle lifecycle, WorkerRegistry registry,
      Clock clock, Instant leaderSince, Instant graceUntil) {
    this.leaderSince = leaderSince;
    this.graceUntil = graceUntil;
    this.jobs = jobs;
    this.instances = instances;
    this.lifecycle = lifecycle;
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public void run() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      log.error("due-pass failed; the next pass carries on", e);
    }
  }

  /** Starts what is due now. Package-visible for tests that drive time by hand. */
  void runOnce() {
    Instant now = clock.instant();
    boolean inGrace = now.isBefore(graceUntil);
    if (!inGrace) {
      registry.expire(worker -> lifecycle.onWorkerDropped(worker, "stopped heartbeating"));
      if (leaderSince != null && !orphansChecked) {
        lifecycle.failOrphans(leaderSince);
        orphansChecked = true;
      }
    }
    if (!now.isBefore(nextTimeoutCheck)) {
      lifecycle.enforceTimeouts(now);
      nextTimeoutCheck = now.plus(TIMEOUT_CHECK_INTERVAL);
    }
    for (JobDefinition job : jobs.findAll()) {
      if (job.enabled() && job.timeType() != TimeType.API) {
        if (inGrace && registry.workers(job.groupId()).isEmpty()) {
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

  private Optional<Instant> dueRun(JobDefinition job, Instant now) {
    ZoneId zone = Schedules.zoneOf(job.timeZone(), clock.getZone());
    if (job.timeType() == TimeType.SECOND_DELAY) {
      // The next run is counted from the end of the last one.
      Optional<JobInstance> latest = instances.latestByJob(job.id());
      if (latest.isEmpty()) {
        return Optional.of(now);
      }
      if (latest.get().finishedAt() == null) {
        return Optional.empty();
      }
      Instant due = latest.get().finishedAt().plus(Schedules.delayOf(job.timeType(), job.timeExpression()));
      return due.isAfter(now) ? Optional.empty() : Optional.of(due);
    }
    Planned plan = planned.get(job.id());
    if (plan == null || !plan.job().equals(job)) {
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
      return Optional.empty();
    }
    // A plan made before a pause is stale: catch up to the latest slot at or before now.
    Instant planDue = plan.due();
    return Optional.of(
        Schedules.nextDue(job.timeType(), job.timeExpression(), zone, planDue, now)
            .filter(next -> !next.isAfter(now))
            .orElse(planDue));
  }

  private void start(JobDefinition job, Instant due, Instant now) {
    planned.remove(job.id()); // the next slot is computed from this run's schedule time
    if (instances.countRunning(job.id()) >= Math.max(1, job.maxConcurrency())) {
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
