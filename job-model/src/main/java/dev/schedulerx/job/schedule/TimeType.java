package dev.schedulerx.job.schedule;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a job is triggered, with the SchedulerX wire numbers and keys (SEMANTICS.md §3). Only the
 * kinds the self-hosted server schedules are listed; the numbers are what the worker protocol and
 * the job store carry.
 */
public enum TimeType {
  CRON(1, "cron"),
  FIXED_RATE(3, "fixed_rate"),
  SECOND_DELAY(4, "second_delay"),
  ONE_TIME(5, "one_time"),
  API(100, "api");

  private final int value;
  private final String key;

  TimeType(int value, String key) {
    this.value = value;
    this.key = key;
  }

  /** The SchedulerX wire number. */
  public int value() {
    return value;
  }

  /** The SchedulerX key, e.g. {@code fixed_rate}. */
  public String key() {
    return key;
  }

  /**
   * Parses a key case-insensitively; {@code -} is accepted for {@code _} ({@code Fixed-Rate} is
   * {@code fixed_rate}).
   *
   * @throws IllegalArgumentException naming the valid keys when nothing matches
   */
  public static TimeType fromKey(String key) {
    if (key != null) {
      String normalized = key.trim().toLowerCase(Locale.ROOT).replace('-', '_');
      for (TimeType type : values()) {
        if (type.key.equals(normalized)) {
          return type;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown time type \"" + key + "\": expected one of " + validKeys());
  }

  /**
   * Looks up a wire number.
   *
   * @throws IllegalArgumentException naming the valid numbers when nothing matches
   */
  public static TimeType fromValue(int value) {
    for (TimeType type : values()) {
      if (type.value == value) {
        return type;
      }
    }
    String valid =
        Arrays.stream(values())
            .map(t -> t.value + " (" + t.key + ")")
            .collect(Collectors.joining(", "));
    throw new IllegalArgumentException(
        "unknown time type value " + value + ": expected one of " + valid);
  }

  private static String validKeys() {
    return Arrays.stream(values()).map(TimeType::key).collect(Collectors.joining(", "));
  }
}
