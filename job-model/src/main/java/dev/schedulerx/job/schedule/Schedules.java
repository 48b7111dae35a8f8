package dev.schedulerx.job.schedule;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * Entry point for schedule computation: validation, fire times and the catch-up rule, for every
 * {@link TimeType}. Pure functions of their parameters (no clock is read), so they are tested with
 * fixed instants.
 *
 * <p><b>Catch-up rule.</b> After downtime a missed schedule fires <em>once</em>, not once per
 * missed slot: when several slots passed between the last schedule time and now, only the latest
 * missed one is returned.
 *
 * <p><b>First fire of a new job</b> (no last schedule time): cron fires at its next slot after now;
 * fixed_rate fires one period after now (never immediately, so creating or re-enabling a job does
 * not run it on the spot); one_time fires at its instant even when that is already past (once,
 * late); second_delay and api have no time-driven runs (the caller starts second_delay runs itself
 * and schedules {@code lastFinishedAt + delayOf(...)} after each completion).
 */
public final class Schedules {
  private static final String SECONDS_EXPECTED =
      "expected a positive whole number of seconds (at most "
          + Integer.MAX_VALUE
          + "), e.g. \"30\"";

  private Schedules() {}

  /**
   * Parses an expression once for repeated use.
   *
   * @param zone the job's zone; cron slots and local one_time date-times are read in it
   * @throws IllegalArgumentException one line naming the problem and what is expected
   */
  public static Schedule parse(TimeType type, String expression, ZoneId zone) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(zone, "zone");
    return switch (type) {
      case CRON -> CronSchedule.parse(expression, zone);
      case FIXED_RATE -> new FixedRateSchedule(seconds(type, expression));
      case SECOND_DELAY -> new SecondDelaySchedule(seconds(type, expression));
      case ONE_TIME -> OneTimeSchedule.parse(expression, zone);
      case API -> new ApiSchedule();
    };
  }

  /**
   * Checks an expression without keeping the result.
   *
   * @throws IllegalArgumentException one line naming the problem and what is expected, e.g. {@code
   *     cron expression "0 * * *" is invalid (...): expected Quartz syntax with seconds, e.g. "0/5
   *     * * * * ?"}
   */
  public static void validate(TimeType type, String expression, ZoneId zone) {
    validate(type, expression, zone, Instant.now());
  }

  /**
   * Same, and a cron expression must have a slot after {@code now}: one that never fires ({@code "0 0 0 31 2
   * ?"}, February has no 31st; a year in the past) is refused, since a job with it would silently never run.
   */
  public static void validate(TimeType type, String expression, ZoneId zone, Instant now) {
    Schedule schedule = parse(type, expression, zone);
    if (type == TimeType.CRON && schedule.nextFireTime(now).isEmpty()) {
      throw new IllegalArgumentException("cron expression \"" + expression.trim() + "\" never fires: no second after "
          + now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " matches it (e.g. day 31 of February, or a year"
          + " that has passed); check its day-of-month, month, day-of-week and year fields");
    }
  }

  /**
   * The first {@code count} fire times a job with this schedule, created at {@code after}, would have (the
   * first-fire rule of the class comment, then each slot after the one before): what the console shows before
   * a schedule is saved. Fewer when the schedule ends (one_time: one), none for api and second_delay (those run
   * on demand, or a delay after the previous run ends).
   *
   * @throws IllegalArgumentException as {@link #validate(TimeType, String, ZoneId, Instant)}
   */
  public static java.util.List<Instant> preview(TimeType type, String expression, ZoneId zone, Instant after, int count) {
    validate(type, expression, zone, after);
    Schedule schedule = parse(type, expression, zone);
    java.util.List<Instant> times = new java.util.ArrayList<>();
    Optional<Instant> next = schedule.nextDue(null, after);
    while (next.isPresent() && times.size() < count) {
      times.add(next.get());
      next = schedule.nextFireTime(next.get());
    }
    return times;
  }

  /**
   * The first fire time strictly after {@code after}: cron's next slot in {@code zone}; fixed_rate
   * {@code after + N s} (pass the last schedule time); one_time its instant if after {@code after};
   * api and second_delay empty.
   */
  public static Optional<Instant> nextFireTime(
      TimeType type, String expression, ZoneId zone, Instant after) {
    Objects.requireNonNull(after, "after");
    return parse(type, expression, zone).nextFireTime(after);
  }

  /**
   * The run that should happen now (result &le; {@code now}) or next (result &gt; {@code now}),
   * following the catch-up and first-fire rules in the class comment. The caller creates a run at
   * the returned time when it is not after {@code now}, and otherwise waits for it.
   *
   * @param lastScheduled schedule time of the last time-triggered run of this job, {@code null} for
   *     a new job
   */
  public static Optional<Instant> nextDue(
      TimeType type, String expression, ZoneId zone, Instant lastScheduled, Instant now) {
    Objects.requireNonNull(now, "now");
    return parse(type, expression, zone).nextDue(lastScheduled, now);
  }

  /**
   * The period of fixed_rate or the delay of second_delay.
   *
   * @throws IllegalArgumentException for other time types, or an invalid number of seconds
   */
  public static Duration delayOf(TimeType type, String expression) {
    Objects.requireNonNull(type, "type");
    if (type != TimeType.FIXED_RATE && type != TimeType.SECOND_DELAY) {
      throw new IllegalArgumentException(
          "a delay exists only for fixed_rate and second_delay, not for " + type.key());
    }
    return seconds(type, expression);
  }

  /**
   * The zone a job's schedule is read in: its own {@code timeZone} when set, else {@code
   * serverZone}.
   *
   * @throws IllegalArgumentException when {@code timeZone} is not a zone id
   */
  public static ZoneId zoneOf(String timeZone, ZoneId serverZone) {
    Objects.requireNonNull(serverZone, "serverZone");
    if (timeZone == null || timeZone.isBlank()) {
      return serverZone;
    }
    try {
      return ZoneId.of(timeZone.trim());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "time zone \""
              + timeZone
              + "\" is invalid: expected a zone id such as \"Asia/Shanghai\","
              + " \"UTC\" or \"+08:00\"",
          e);
    }
  }

  private static Duration seconds(TimeType type, String expression) {
    String trimmed = expression == null ? "" : expression.trim();
    long seconds;
    try {
      seconds = Long.parseLong(trimmed);
    } catch (NumberFormatException e) {
      throw invalidSeconds(type, trimmed);
    }
    if (seconds <= 0 || seconds > Integer.MAX_VALUE) {
      throw invalidSeconds(type, trimmed);
    }
    return Duration.ofSeconds(seconds);
  }

  private static IllegalArgumentException invalidSeconds(TimeType type, String expression) {
    return new IllegalArgumentException(
        type.key() + " expression \"" + expression + "\" is invalid: " + SECONDS_EXPECTED);
  }
}
