package dev.schedulerx.job.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Runs {@code delay} after the previous run finished. Completion-driven, so it has no fire times of
 * its own: the caller schedules {@code lastFinishedAt + delay} (see {@link Schedules#delayOf}).
 */
record SecondDelaySchedule(Duration delay) implements Schedule {

  @Override
  public TimeType type() {
    return TimeType.SECOND_DELAY;
  }

  @Override
  public Optional<Instant> nextFireTime(Instant after) {
    return Optional.empty();
  }

  @Override
  public Optional<Instant> nextDue(Instant lastScheduled, Instant now) {
    return Optional.empty();
  }
}
