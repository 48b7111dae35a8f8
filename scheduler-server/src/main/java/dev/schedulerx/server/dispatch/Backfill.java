package dev.schedulerx.server.dispatch;

import dev.schedulerx.job.schedule.Schedule;
import dev.schedulerx.job.schedule.Schedules;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Back-fill (SchedulerX's rerun): one run per schedule time of the job's own schedule in a past range, created
 * oldest first and queued behind its max concurrency. The range is refused, nothing created, when it holds no
 * schedule time or more than the configured maximum.
 */
public final class Backfill {
  private final InstanceLifecycle lifecycle;
  private final int maxRuns;

  public Backfill(InstanceLifecycle lifecycle, int maxRuns) {
    this.lifecycle = lifecycle;
    this.maxRuns = maxRuns;
  }

  /**
   * Queues the runs; throws IllegalArgumentException, creating nothing, for an empty or too large range.
   */
  public List<JobInstance> run(JobDefinition job, Instant from, Instant to, String parameters) {
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("endDate " + to + " is before startDate " + from);
    }
    Schedule schedule = Schedules.parse(job.timeType(), job.timeExpression(), Schedules.zoneOf(job.timeZone(), ZoneId.systemDefault()));
    List<Instant> slots = new ArrayList<>();
    Optional<Instant> next = schedule.nextFireTime(from.minusMillis(1));
    while (next.isPresent() && !next.get().isAfter(to)) {
      if (slots.size() == maxRuns) {
        throw new IllegalArgumentException("the range " + from + " to " + to + " holds more than " + maxRuns
            + " schedule times of job " + job.name() + " (rerun-max-runs): back-fill a shorter range");
      }
      slots.add(next.get());
      next = schedule.nextFireTime(next.get());
    }
    if (slots.isEmpty()) {
      throw new IllegalArgumentException("job " + job.name() + " (" + job.timeType().key() + " "
          + job.timeExpression() + ") has no schedule time between " + from + " and " + to);
    }
    return lifecycle.backfill(job, slots, parameters);
  }
}
