package dev.schedulerx.job.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * Quartz cron with seconds (cron-utils {@link CronType#QUARTZ}), evaluated in the job's zone.
 * cron-utils keeps sub-second parts of its input, so every query is first truncated to whole
 * seconds.
 */
final class CronSchedule implements Schedule {
  private static final CronDefinition QUARTZ =
      CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ);
  private static final String EXPECTED =
      "expected Quartz syntax with seconds, e.g. \"0/5 * * * * ?\"";

  private final String expression;
  private final ZoneId zone;
  private final ExecutionTime executionTime;

  private CronSchedule(String expression, ZoneId zone, ExecutionTime executionTime) {
    this.expression = expression;
    this.zone = zone;
    this.executionTime = executionTime;
  }

  static CronSchedule parse(String expression, ZoneId zone) {
    Objects.requireNonNull(zone, "zone");
    String trimmed = expression == null ? "" : expression.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("cron expression is empty: " + EXPECTED);
    }
    Cron cron;
    try {
      cron = new CronParser(QUARTZ).parse(trimmed).validate();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cron expression \"" + trimmed + "\" is invalid (" + reason(e) + "): " + EXPECTED, e);
    }
    return new CronSchedule(trimmed, zone, ExecutionTime.forCron(cron));
  }

  /**
   * cron-utils' message without its boilerplate, on one line, with a hint for the most common
   * mistake.
   */
  private static String reason(IllegalArgumentException e) {
    String message = String.valueOf(e.getMessage()).replaceAll("\\s+", " ").trim();
    message = message.replace("Failed to parse cron expression. ", "");
    message = message.replaceFirst("^Invalid cron expression: [^.]*\\. ?", "");
    if (message.startsWith("Both, a day-of-week AND a day-of-month")) {
      message = "day-of-month and day-of-week cannot both be set; use '?' in one of them";
    }
    return message;
  }

  @Override
  public TimeType type() {
    return TimeType.CRON;
  }

  @Override
  public Optional<Instant> nextFireTime(Instant after) {
    // Flooring keeps the result strictly after 'after': the next slot after the floor is at least 1
    // s later.
    return executionTime.nextExecution(at(floorToSecond(after))).map(ZonedDateTime::toInstant);
  }

  @Override
  public Optional<Instant> nextDue(Instant lastScheduled, Instant now) {
    if (lastScheduled == null) {
      return nextFireTime(now);
    }
    Optional<Instant> next = nextFireTime(lastScheduled);
    if (next.isEmpty() || next.get().isAfter(now)) {
      return next;
    }
    return latestAtOrBefore(now);
  }

  /** The latest slot at or before {@code now}; a slot exists because one was missed. */
  private Optional<Instant> latestAtOrBefore(Instant now) {
    Instant floor = floorToSecond(now);
    if (nextFireTime(floor.minusSeconds(1)).filter(floor::equals).isPresent()) {
      return Optional.of(floor);
    }
    return executionTime.lastExecution(at(floor)).map(ZonedDateTime::toInstant);
  }

  private ZonedDateTime at(Instant instant) {
    return instant.atZone(zone);
  }

  private static Instant floorToSecond(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "cron \"" + expression + "\" in " + zone;
  }
}
