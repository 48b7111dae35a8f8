package dev.schedulerx.job.schedule;

import java.time.Instant;
import java.util.Optional;

/**
 * A parsed job schedule, so a scheduler loop can parse a job's expression once and ask it for fire
 * times on every pass. Obtain one from {@link Schedules#parse}. Implementations are immutable and
 * never read the clock: every instant comes in as a parameter.
 */
public sealed interface Schedule
    permits CronSchedule, FixedRateSchedule, SecondDelaySchedule, OneTimeSchedule, ApiSchedule {

  /** The time type this schedule was parsed for. */
  TimeType type();

  /**
   * The first fire time strictly after {@code after}, or empty when the schedule never fires again
   * or is not time-driven (api, second_delay).
   */
  Optional<Instant> nextFireTime(Instant after);

  /**
   * The run that should happen now or next, applying the catch-up rule: missed slots between {@code
   * lastScheduled} and {@code now} collapse into one run at the latest missed slot. See {@link
   * Schedules#nextDue} for the full rule.
   *
   * @param lastScheduled schedule time of the last run created from this schedule, {@code null} for
   *     a new job
   */
  Optional<Instant> nextDue(Instant lastScheduled, Instant now);
}
