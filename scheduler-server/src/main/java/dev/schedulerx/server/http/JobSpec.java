package dev.schedulerx.server.http;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.schedulerx.server.schedule.Schedules;
import dev.schedulerx.server.schedule.TimeType;
import dev.schedulerx.server.store.JobDefinition;
import java.time.ZoneId;
import java.util.Set;

/**
 * A job as the REST API and the worker's config declare it. Missing fields take SchedulerX's defaults;
 * {@link #toDefinition()} validates and names the first bad field.
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

  static final Set<String> EXECUTE_MODES = Set.of("standalone", "broadcast", "parallel", "grid", "batch", "sharding");

  /** Validates and converts; throws IllegalArgumentException naming the field and what is expected. */
  public JobDefinition toDefinition() {
    dev.schedulerx.server.alert.MonitorSettings.parse(monitorConfig); // alert rules: a bad one is refused, naming the field
    dev.schedulerx.server.alert.MonitorSettings.parseContacts(contact);
    require(group, "group");
    require(name, "name");
    if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new IllegalArgumentException("name \"" + name + "\": use 1-64 letters, digits, '_', '-' or '.'");
    }
    String kind = jobType == null || jobType.isBlank() ? JobDefinition.JAVA : jobType.strip().toLowerCase(java.util.Locale.ROOT);
    if (!JobDefinition.JOB_TYPES.contains(kind)) {
      throw new IllegalArgumentException("jobType \"" + jobType + "\": expected one of " + JobDefinition.JOB_TYPES);
    }
    if (kind.equals(JobDefinition.JAVA)) {
      require(processor, "processor");
    } else {
      require(content, "content");
    }
    String mode = executeMode == null ? "standalone" : executeMode;
    if (!EXECUTE_MODES.contains(mode)) {
      throw new IllegalArgumentException("executeMode \"" + mode + "\": expected one of " + EXECUTE_MODES);
    }
    TimeType type = TimeType.fromKey(timeType == null ? "api" : timeType);
    String expression = timeExpression == null ? "" : timeExpression;
    ZoneId zone = Schedules.zoneOf(timeZone, ZoneId.systemDefault());
    Schedules.validate(type, expression, zone);
    String policy = concurrencyPolicy == null ? JobDefinition.SKIP : concurrencyPolicy;
    if (!JobDefinition.CONCURRENCY_POLICIES.contains(policy)) {
      throw new IllegalArgumentException(
          "concurrencyPolicy \"" + policy + "\": expected one of " + JobDefinition.CONCURRENCY_POLICIES);
    }
    if (xattrs != null && !xattrs.isBlank() && !xattrs.strip().startsWith("{")) {
      throw new IllegalArgumentException("xattrs must be a JSON object, e.g. {\"consumerSize\":5}");
    }
    if (!kind.equals(JobDefinition.JAVA) && !mode.equals("standalone") && !mode.equals("broadcast") && !mode.equals("sharding")) {
      throw new IllegalArgumentException("executeMode \"" + mode + "\": a " + kind + " job runs standalone, broadcast or sharding");
    }
    if (priority != null && (priority < 1 || priority > 100)) {
      throw new IllegalArgumentException("priority must be between 1 and 100, got " + priority);
    }
    return new JobDefinition(
        0, group, name, kind.equals(JobDefinition.JAVA) ? processor : kind, mode, orEmpty(parameters), type, expression,
        timeZone == null ? "" : timeZone,
        nonNegative(maxAttempt, 0, "maxAttempt"),
        nonNegative(attemptInterval, 30, "attemptInterval"),
        nonNegative(taskMaxAttempt, 0, "taskMaxAttempt"),
        nonNegative(taskAttemptInterval, 0, "taskAttemptInterval"),
        timeout == null ? 0 : nonNegative(timeout.intValue(), 0, "timeout"),
        Math.max(1, nonNegative(maxConcurrency, 1, "maxConcurrency")),
        enabled == null || enabled,
        orEmpty(xattrs),
        orEmpty(description),
        policy,
        kind,
        kind.equals(JobDefinition.JAVA) ? "" : content,
        orEmpty(monitorConfig),
        orEmpty(contact),
        priority,
        null);
  }

  /** The spec of a stored job, for GET responses. */
  public static JobSpec of(JobDefinition j) {
    return new JobSpec(
        j.groupId(), j.name(), j.processor(), j.executeMode(), j.parameters(), j.timeType().key(), j.timeExpression(),
        j.timeZone(), j.maxAttempt(), j.attemptIntervalSeconds(), j.taskMaxAttempt(), j.taskAttemptIntervalSeconds(),
        j.timeoutSeconds(), j.maxConcurrency(), j.enabled(), j.xattrs(), j.description(), j.concurrencyPolicy(),
        j.jobType(), j.isJava() ? null : j.content(), emptyToNull(j.monitorConfig()), emptyToNull(j.contact()),
        j.priority());
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

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
