package dev.schedulerx.job.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Fires once at a fixed instant. The expression is an ISO-8601 date-time, local to the job's zone
 * ({@code 2026-12-01T10:00:00}; a space may replace the {@code T}, as the SchedulerX console writes
 * it) or with an offset or {@code Z}, or epoch milliseconds.
 */
record OneTimeSchedule(Instant at) implements Schedule {
  private static final Pattern EPOCH_MILLIS = Pattern.compile("\\d{1,18}");
  private static final Pattern SPACE_SEPARATED = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}) (\\d)");
  private static final String EXPECTED =
      "expected an ISO-8601 date-time such as \"2026-12-01T10:00:00\" (in the job's time zone)"
          + " or \"2026-12-01T10:00:00Z\", or epoch milliseconds";

  OneTimeSchedule {
    Objects.requireNonNull(at, "at");
  }

  static OneTimeSchedule parse(String expression, ZoneId zone) {
    Objects.requireNonNull(zone, "zone");
    String trimmed = expression == null ? "" : expression.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("one_time expression is empty: " + EXPECTED);
    }
    if (EPOCH_MILLIS.matcher(trimmed).matches()) {
      return new OneTimeSchedule(Instant.ofEpochMilli(Long.parseLong(trimmed)));
    }
    String iso = SPACE_SEPARATED.matcher(trimmed).replaceFirst("$1T$2");
    try {
      TemporalAccessor parsed =
          DateTimeFormatter.ISO_DATE_TIME.parseBest(iso, ZonedDateTime::from, LocalDateTime::from);
      Instant at =
          parsed instanceof ZonedDateTime zoned
              ? zoned.toInstant()
              : ((LocalDateTime) parsed).atZone(zone).toInstant();
      return new OneTimeSchedule(at);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "one_time expression \"" + trimmed + "\" is invalid: " + EXPECTED, e);
    }
  }

  @Override
  public TimeType type() {
    return TimeType.ONE_TIME;
  }

  @Override
  public Optional<Instant> nextFireTime(Instant after) {
    return at.isAfter(after) ? Optional.of(at) : Optional.empty();
  }

  /** Not yet fired: fires at its instant, even when that is already past (once, late). */
  @Override
  public Optional<Instant> nextDue(Instant lastScheduled, Instant now) {
    return lastScheduled == null ? Optional.of(at) : nextFireTime(lastScheduled);
  }
}
