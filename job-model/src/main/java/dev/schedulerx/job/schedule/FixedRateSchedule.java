package dev.schedulerx.job.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Fires every {@code period}, on a grid anchored at the last schedule time (not at completion: that
 * is second_delay). A new job first fires one period after it is first seen, never immediately.
 */
record FixedRateSchedule(Duration period) implements Schedule {

  @Override
  public TimeType type() {
    return TimeType.FIXED_RATE;
  }

  @Override
  public Optional<Instant> nextFireTime(Instant after) {
    return Optional.of(after.plus(period));
  }

  @Override
  public Optional<Instant> nextDue(Instant lastScheduled, Instant now) {
    if (lastScheduled == null) {
      return Optional.of(now.plus(period));
    }
    Instant next = lastScheduled.plus(period);
    if (next.isAfter(now)) {
      return Optional.of(next);
    }
    long elapsedPeriods = Duration.between(lastScheduled, now).dividedBy(period);
    return Optional.of(lastScheduled.plus(period.multipliedBy(elapsedPeriods)));
  }
}
