package dev.schedulerx.server.store;

import dev.schedulerx.job.ExecuteMode;
import dev.schedulerx.job.JobSpec;
import dev.schedulerx.job.schedule.TimeType;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A stored job (SEMANTICS.md §4.1): what to run, how, and when. Immutable; identity is {@code
 * groupId + name}, {@code id} is 0 until stored. Optional text fields are never null ({@code ""}
 * when unset); an empty {@code timeZone} means the server's zone. Lengths are checked here, against
 * the column sizes, so that no database silently truncates.
 *
 * @param processor processor name or class name
 * @param executeMode the {@link ExecuteMode#key()} of its mode
 * @param concurrencyPolicy what a trigger beyond {@code maxConcurrency} does: {@link #SKIP} (recorded
 *     SKIPPED) or {@link #QUEUE} (stored WAITING, started when a running instance of the job ends)
 * @param jobType what the worker runs: {@code java} (a processor, named by {@code processor}) or a script or
 *     http type, whose script or request is {@code content}; stored in lower case
 * @param content the script text or the HTTP request JSON of non-java jobs; {@code ""} for java jobs
 * @param monitorConfig SchedulerX's {@code monitorConfig} JSON as the client sent it, {@code ""} when none
 * @param contact SchedulerX's {@code contact} JSON array as the client sent it, {@code ""} when none
 * @param priority SchedulerX's job priority, null when unset
 * @param designation the workers or labels the job is pinned to ({@link Designation#NONE}: any worker)
 */
public record JobDefinition(
    long id,
    String groupId,
    String name,
    String processor,
    String executeMode,
    String parameters,
    TimeType timeType,
    String timeExpression,
    String timeZone,
    int maxAttempt,
    int attemptIntervalSeconds,
    int taskMaxAttempt,
    int taskAttemptIntervalSeconds,
    long timeoutSeconds,
    int maxConcurrency,
    boolean enabled,
    String xattrs,
    String description,
    String concurrencyPolicy,
    String jobType,
    String content,
    String monitorConfig,
    String contact,
    Integer priority,
    Designation designation) {

  public static final String SKIP = JobSpec.SKIP;
  public static final String QUEUE = JobSpec.QUEUE;
  public static final List<String> CONCURRENCY_POLICIES = JobSpec.CONCURRENCY_POLICIES;

  public static final String JAVA = JobSpec.JAVA;
  public static final List<String> JOB_TYPES = JobSpec.JOB_TYPES;
  public static final int MAX_GROUP_ID_LENGTH = 128;
  public static final int MAX_NAME_LENGTH = 255;
  public static final int MAX_PROCESSOR_LENGTH = 512;
  public static final int MAX_TIME_EXPRESSION_LENGTH = 255;
  public static final int MAX_TIME_ZONE_LENGTH = 64;
  public static final int MAX_DESCRIPTION_LENGTH = 1000;

  /** For {@code parameters} and {@code xattrs}. */
  public static final int MAX_LARGE_TEXT_LENGTH = 65_536;

  /** A java job with no monitor settings, priority or designation: what callers before those fields build. */
  public JobDefinition(
      long id,
      String groupId,
      String name,
      String processor,
      String executeMode,
      String parameters,
      TimeType timeType,
      String timeExpression,
      String timeZone,
      int maxAttempt,
      int attemptIntervalSeconds,
      int taskMaxAttempt,
      int taskAttemptIntervalSeconds,
      long timeoutSeconds,
      int maxConcurrency,
      boolean enabled,
      String xattrs,
      String description,
      String concurrencyPolicy) {
    this(id, groupId, name, processor, executeMode, parameters, timeType, timeExpression, timeZone, maxAttempt,
        attemptIntervalSeconds, taskMaxAttempt, taskAttemptIntervalSeconds, timeoutSeconds, maxConcurrency, enabled,
        xattrs, description, concurrencyPolicy, JAVA, "", "", "", null, Designation.NONE);
  }

  public JobDefinition {
    if (id < 0) {
      throw new IllegalArgumentException("id must not be negative, was " + id);
    }
    Texts.requireLength(
        "groupId", Objects.requireNonNull(groupId, "groupId"), 1, MAX_GROUP_ID_LENGTH);
    Texts.requireLength("name", Objects.requireNonNull(name, "name"), 1, MAX_NAME_LENGTH);
    Texts.requireLength(
        "processor", Objects.requireNonNull(processor, "processor"), 1, MAX_PROCESSOR_LENGTH);
    executeMode = ExecuteMode.parse(Objects.requireNonNull(executeMode, "executeMode")).key();
    Objects.requireNonNull(timeType, "timeType");
    parameters =
        Texts.requireLength("parameters", Texts.orEmpty(parameters), 0, MAX_LARGE_TEXT_LENGTH);
    timeExpression =
        Texts.requireLength(
            "timeExpression", Texts.orEmpty(timeExpression), 0, MAX_TIME_EXPRESSION_LENGTH);
    timeZone = Texts.requireLength("timeZone", Texts.orEmpty(timeZone), 0, MAX_TIME_ZONE_LENGTH);
    xattrs = Texts.requireLength("xattrs", Texts.orEmpty(xattrs), 0, MAX_LARGE_TEXT_LENGTH);
    description =
        Texts.requireLength("description", Texts.orEmpty(description), 0, MAX_DESCRIPTION_LENGTH);
    requireNotNegative("maxAttempt", maxAttempt);
    requireNotNegative("attemptIntervalSeconds", attemptIntervalSeconds);
    requireNotNegative("taskMaxAttempt", taskMaxAttempt);
    requireNotNegative("taskAttemptIntervalSeconds", taskAttemptIntervalSeconds);
    requireNotNegative("timeoutSeconds", timeoutSeconds);
    concurrencyPolicy =
        concurrencyPolicy == null ? SKIP : concurrencyPolicy.trim().toLowerCase(Locale.ROOT);
    if (!CONCURRENCY_POLICIES.contains(concurrencyPolicy)) {
      throw new IllegalArgumentException(
          "concurrencyPolicy \""
              + concurrencyPolicy
              + "\" is invalid: expected one of "
              + String.join(", ", CONCURRENCY_POLICIES));
    }
    jobType = jobType == null || jobType.isBlank() ? JAVA : jobType.strip().toLowerCase(Locale.ROOT);
    if (!JOB_TYPES.contains(jobType)) {
      throw new IllegalArgumentException(
          "jobType \"" + jobType + "\" is invalid: expected one of " + String.join(", ", JOB_TYPES));
    }
    content = Texts.requireLength("content", Texts.orEmpty(content), 0, MAX_LARGE_TEXT_LENGTH);
    monitorConfig = Texts.requireLength("monitorConfig", Texts.orEmpty(monitorConfig), 0, MAX_LARGE_TEXT_LENGTH);
    contact = Texts.requireLength("contact", Texts.orEmpty(contact), 0, MAX_LARGE_TEXT_LENGTH);
    designation = designation == null ? Designation.NONE : designation;
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException(
          "maxConcurrency must be at least 1, was " + maxConcurrency);
    }
  }

  /** Whether triggers beyond max concurrency wait instead of being skipped. */
  public boolean queuesExtraRuns() {
    return QUEUE.equals(concurrencyPolicy);
  }

  /** Whether the worker runs a processor of a plugin (not a script or an HTTP call). */
  public boolean isJava() {
    return JAVA.equals(jobType);
  }

  /** This job with another id; used by the repository to hand back what it stored. */
  public JobDefinition withId(long newId) {
    return new JobDefinition(
        newId,
        groupId,
        name,
        processor,
        executeMode,
        parameters,
        timeType,
        timeExpression,
        timeZone,
        maxAttempt,
        attemptIntervalSeconds,
        taskMaxAttempt,
        taskAttemptIntervalSeconds,
        timeoutSeconds,
        maxConcurrency,
        enabled,
        xattrs,
        description,
        concurrencyPolicy,
        jobType,
        content,
        monitorConfig,
        contact,
        priority,
        designation);
  }

  /** This job pinned to other workers or labels. */
  public JobDefinition withDesignation(Designation newDesignation) {
    return new JobDefinition(id, groupId, name, processor, executeMode, parameters, timeType, timeExpression, timeZone,
        maxAttempt, attemptIntervalSeconds, taskMaxAttempt, taskAttemptIntervalSeconds, timeoutSeconds,
        maxConcurrency, enabled, xattrs, description, concurrencyPolicy, jobType, content, monitorConfig, contact,
        priority, newDesignation);
  }

  /** This job with other parameters. */
  public JobDefinition withParameters(String newParameters) {
    return new JobDefinition(id, groupId, name, processor, executeMode, newParameters, timeType, timeExpression,
        timeZone, maxAttempt, attemptIntervalSeconds, taskMaxAttempt, taskAttemptIntervalSeconds, timeoutSeconds,
        maxConcurrency, enabled, xattrs, description, concurrencyPolicy, jobType, content, monitorConfig, contact,
        priority, designation);
  }

  private static void requireNotNegative(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must not be negative, was " + value);
    }
  }

  /** The job a spec describes, with its defaults; throws IllegalArgumentException naming the first bad field. */
  public static JobDefinition of(JobSpec spec) {
    JobSpec n = spec.normalized();
    return new JobDefinition(
        0, n.group(), n.name(), n.jobType().equals(JAVA) ? n.processor() : n.jobType(), n.executeMode(), n.parameters(),
        TimeType.fromKey(n.timeType()), n.timeExpression(), n.timeZone(), n.maxAttempt(), n.attemptInterval(),
        n.taskMaxAttempt(), n.taskAttemptInterval(), n.timeout(), n.maxConcurrency(), n.enabled(), n.xattrs(),
        n.description(), n.concurrencyPolicy(), n.jobType(), n.jobType().equals(JAVA) ? "" : n.content(),
        Texts.orEmpty(n.monitorConfig()), Texts.orEmpty(n.contact()), n.priority(), null);
  }

  /** This job as a spec, for API answers and audit records. */
  public JobSpec toSpec() {
    return new JobSpec(
        groupId, name, processor, executeMode, parameters, timeType.key(), timeExpression, timeZone, maxAttempt,
        attemptIntervalSeconds, taskMaxAttempt, taskAttemptIntervalSeconds, timeoutSeconds, maxConcurrency, enabled,
        xattrs, description, concurrencyPolicy, jobType, isJava() ? null : content, emptyToNull(monitorConfig),
        emptyToNull(contact), priority);
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }
}
