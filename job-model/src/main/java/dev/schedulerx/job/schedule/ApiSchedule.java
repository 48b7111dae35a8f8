package dev.schedulerx.job.schedule;

import java.time.Instant;
import java.util.Optional;

/** Runs only when triggered through the API; the expression is ignored. */
record ApiSchedule() implements Schedule {

  @Override
  public TimeType type() {
    return TimeType.API;
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
