package dev.schedulerx.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.schedulerx.job.schedule.Schedules;
import dev.schedulerx.job.schedule.TimeType;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

/**
 * A job as the REST API, the worker's config, the CLI and the testkit declare it. Missing fields take
 * SchedulerX's defaults; {@link #normalized()} validates and names the first bad field.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record JobSpec(
    String group,
    String name,
    String processor,
    String executeMode,
    String parameters,
    String timeType,
    String timeExpression,
    String timeZone,
    Integer maxAttempt,
    Integer attemptInterval,
    Integer taskMaxAttempt,
    Integer taskAttemptInterval,
    Long timeout,
    Integer maxConcurrency,
    Boolean enabled,
    String xattrs,
    String description,
    String concurrencyPolicy,
    String jobType,
    String content,
    String monitorConfig,
    String contact,
    Integer priority) {

  @JsonCreator
  public JobSpec {}

  /** A java job without monitor settings or priority. */
  public JobSpec(String group, String name, String processor, String executeMode, String parameters, String timeType,
      String timeExpression, String timeZone, Integer maxAttempt, Integer attemptInterval, Integer taskMaxAttempt,
      Integer taskAttemptInterval, Long timeout, Integer maxConcurrency, Boolean enabled, String xattrs,
      String description, String concurrencyPolicy) {
    this(group, name, processor, executeMode, parameters, timeType, timeExpression, timeZone, maxAttempt,
        attemptInterval, taskMaxAttempt, taskAttemptInterval, timeout, maxConcurrency, enabled, xattrs, description,
        concurrencyPolicy, null, null, null, null, null);
  }

  /** The job type of a processor job; the others run {@link #content()}. */
  public static final String JAVA = "java";
  public static final List<String> JOB_TYPES = List.of(JAVA, "shell", "python", "go", "http");
  /** What a trigger beyond {@code maxConcurrency} does: recorded as skipped, or queued until a run ends. */
  public static final String SKIP = "skip";
  public static final String QUEUE = "queue";
  public static final List<String> CONCURRENCY_POLICIES = List.of(SKIP, QUEUE);

  /**
   * This spec checked, with SchedulerX's defaults for what it leaves out and its keys in canonical form.
   * Throws IllegalArgumentException naming the first bad field and what is expected.
   */
  public JobSpec normalized() {
    MonitorSettings.parse(monitorConfig);
    MonitorSettings.parseContacts(contact);
    require(group, "group");
    require(name, "name");
    if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new IllegalArgumentException("name \"" + name + "\": use 1-64 letters, digits, '_', '-' or '.'");
    }
    String kind = jobType == null || jobType.isBlank() ? JAVA : jobType.strip().toLowerCase(Locale.ROOT);
    if (!JOB_TYPES.contains(kind)) {
      throw new IllegalArgumentException("jobType \"" + jobType + "\": expected one of " + JOB_TYPES);
    }
    if (kind.equals(JAVA)) {
      require(processor, "processor");
    } else {
      require(content, "content");
    }
    ExecuteMode mode = executeMode == null ? ExecuteMode.STANDALONE : ExecuteMode.parse(executeMode);
    TimeType type = TimeType.fromKey(timeType == null ? "api" : timeType);
    String expression = timeExpression == null ? "" : timeExpression;
    Schedules.validate(type, expression, Schedules.zoneOf(timeZone, ZoneId.systemDefault()));
    String policy = concurrencyPolicy == null ? SKIP : concurrencyPolicy;
    if (!CONCURRENCY_POLICIES.contains(policy)) {
      throw new IllegalArgumentException("concurrencyPolicy \"" + policy + "\": expected one of " + CONCURRENCY_POLICIES);
    }
    if (xattrs != null && !xattrs.isBlank() && !xattrs.strip().startsWith("{")) {
      throw new IllegalArgumentException("xattrs must be a JSON object, e.g. {\"consumerSize\":5}");
    }
    if (!kind.equals(JAVA) && mode.hasTaskMaster() && mode != ExecuteMode.SHARDING) {
      throw new IllegalArgumentException("executeMode \"" + mode.key() + "\": a " + kind + " job runs standalone, broadcast or sharding");
    }
    if (priority != null && (priority < 1 || priority > 100)) {
      throw new IllegalArgumentException("priority must be between 1 and 100, got " + priority);
    }
    return new JobSpec(
        group, name, kind.equals(JAVA) ? processor : null, mode.key(), orEmpty(parameters), type.key(), expression,
        timeZone == null ? "" : timeZone,
        nonNegative(maxAttempt, 0, "maxAttempt"),
        nonNegative(attemptInterval, 30, "attemptInterval"),
        nonNegative(taskMaxAttempt, 0, "taskMaxAttempt"),
        nonNegative(taskAttemptInterval, 0, "taskAttemptInterval"),
        timeout == null ? 0L : nonNegative(timeout.intValue(), 0, "timeout"),
        Math.max(1, nonNegative(maxConcurrency, 1, "maxConcurrency")),
        enabled == null || enabled,
        orEmpty(xattrs), orEmpty(description), policy, kind, kind.equals(JAVA) ? null : content,
        monitorConfig, contact, priority);
  }

  private static void require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
  }

  private static int nonNegative(Integer value, int fallback, String field) {
    if (value == null) {
      return fallback;
    }
    if (value < 0) {
      throw new IllegalArgumentException(field + " must not be negative, got " + value);
    }
    return value;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
