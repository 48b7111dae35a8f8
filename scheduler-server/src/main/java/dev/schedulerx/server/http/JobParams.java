package dev.schedulerx.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.job.JobSpec;
import dev.schedulerx.job.schedule.TimeType;
import dev.schedulerx.server.http.OpenApiEndpoint.Refusal;
import dev.schedulerx.server.store.JobDefinition;

/**
 * A job spec from the parameters of an OpenAPI job/create or job/update (OPENAPI.md §2.3): each parameter present
 * replaces the stored value, absent ones keep it (or take SchedulerX's default on create). The nested JSON texts
 * (content, monitorConfig, contact, xattrs) are checked against the client's classes before they are stored.
 */
final class JobParams {
  private JobParams() {}

  static JobSpec spec(String groupId, JobDefinition existing, OpenApiParams p, OpenApiViews views) {
    JobSpec base = existing == null ? null : existing.toSpec();
    String jobType = p.nonBlank("jobType") != null ? p.nonBlank("jobType").toLowerCase(java.util.Locale.ROOT)
        : base == null ? JobDefinition.JAVA : base.jobType();
    if (!JobDefinition.JOB_TYPES.contains(jobType)) {
      throw new Refusal(400, "jobType \"" + jobType + "\" is not supported: expected one of " + JobDefinition.JOB_TYPES);
    }
    String processor = base == null ? null : base.processor();
    String content = base == null ? null : base.content();
    if (jobType.equals(JobDefinition.JAVA)) {
      if (p.has("content")) {
        processor = processorOf(p.raw("content"), p);
      } else if (p.nonBlank("className") != null) {
        processor = p.nonBlank("className");
      }
      if (processor == null || processor.isBlank()) {
        throw new Refusal(400, "content is required, e.g. {\"className\":\"com.example.MyProcessor\"}");
      }
      content = null;
    } else {
      content = p.text("content", content);
      if (content == null || content.isBlank()) {
        throw new Refusal(400, "content is required for a " + jobType + " job: "
            + (jobType.equals("http") ? "the request as JSON, e.g. {\"url\":\"http://host/path\",\"method\":\"GET\"}" : "the script"));
      }
      if (jobType.equals("http")) {
        JsonNode request = p.jsonObject("content");
        if (request != null && request.path("url").asText("").isBlank()) {
          throw new Refusal(400, "content of an http job needs a url, e.g. {\"url\":\"http://host/path\"}");
        }
      }
      processor = jobType;
    }
    String timeType = base == null ? TimeType.CRON.key() : base.timeType();
    Integer timeTypeValue = p.optionalInt("timeType");
    if (timeTypeValue != null) {
      try {
        timeType = TimeType.fromValue(timeTypeValue).key();
      } catch (IllegalArgumentException e) {
        throw new Refusal(400, "timeType " + timeTypeValue + " is not supported: 1 cron, 3 fixed_rate, 4 second_delay,"
            + " 5 one_time, 100 api");
      }
    }
    if (p.nonBlank("calendar") != null) {
      throw new Refusal(400, "calendar \"" + p.nonBlank("calendar") + "\" is not supported by this server: leave it empty");
    }
    if (p.intOr("dataOffset", 0) != 0) {
      throw new Refusal(400, "dataOffset is not supported by this server: leave it 0");
    }
    Boolean enabled = base == null ? Boolean.TRUE : base.enabled();
    Integer status = p.optionalInt("status");
    if (status != null) {
      if (status != 0 && status != 1) {
        throw new Refusal(400, "status must be 1 (enabled) or 0 (disabled), got " + status);
      }
      enabled = status == 1;
    }
    String xattrs = base == null ? null : base.xattrs();
    Integer taskMaxAttempt = base == null ? null : base.taskMaxAttempt();
    Integer taskAttemptInterval = base == null ? null : base.taskAttemptInterval();
    if (p.has("xattrs")) {
      JsonNode x = p.jsonObject("xattrs");
      xattrs = x == null ? "" : views.checkedObject("xattrs", x, OpenApiViews.MAP_TASK_XATTRS);
      if (x != null && x.hasNonNull("taskMaxAttempt")) {
        taskMaxAttempt = x.get("taskMaxAttempt").asInt();
      }
      if (x != null && x.hasNonNull("taskAttemptInterval")) {
        taskAttemptInterval = x.get("taskAttemptInterval").asInt();
      }
    }
    Long timeout = base == null ? null : base.timeout();
    String monitorConfig = base == null ? null : base.monitorConfig();
    if (p.has("monitorConfig")) {
      JsonNode m = p.jsonObject("monitorConfig");
      monitorConfig = m == null ? null : views.checkedObject("monitorConfig", m, OpenApiViews.MONITOR_CONFIG);
      // MonitorConfig's defaults: timeoutEnable true, timeout 7200 s, timeoutKillEnable false. The job's own
      // timeout ends the run, so it is set only with timeoutKillEnable; without it a timeout only alerts (alert rules).
      boolean timeoutEnabled = m == null || m.path("timeoutEnable").asBoolean(true);
      boolean kill = m != null && m.path("timeoutKillEnable").asBoolean(false);
      long given = m != null && m.hasNonNull("timeout") ? m.get("timeout").asLong() : 7200L;
      if (given < 0) {
        throw new Refusal(400, "monitorConfig.timeout must not be negative, got " + given);
      }
      timeout = timeoutEnabled && kill ? given : 0L;
    }
    String contact = base == null ? null : base.contact();
    if (p.has("contact")) {
      JsonNode c = p.jsonArray("contact");
      contact = c == null ? null : views.checkedArray("contact", c, OpenApiViews.CONTACT);
    }
    Integer priority = base == null ? null : base.priority();
    if (p.has("priority")) {
      priority = p.optionalInt("priority");
    }
    return new JobSpec(
        groupId,
        p.text("name", base == null ? null : base.name()),
        processor,
        p.text("executeMode", base == null ? null : base.executeMode()),
        p.text("parameters", base == null ? null : base.parameters()),
        timeType,
        p.text("timeExpression", base == null ? null : base.timeExpression()),
        p.text("timezone", p.text("timeZone", base == null ? null : base.timeZone())),
        orElse(p.optionalInt("maxAttempt"), base == null ? null : base.maxAttempt()),
        orElse(p.optionalInt("attemptInterval"), base == null ? null : base.attemptInterval()),
        taskMaxAttempt,
        taskAttemptInterval,
        timeout,
        orElse(p.optionalInt("maxConcurrency"), base == null ? null : base.maxConcurrency()),
        enabled,
        xattrs,
        p.text("description", base == null ? null : base.description()),
        // SchedulerX has no such parameter: an update keeps what the REST API or the config set.
        base == null ? null : base.concurrencyPolicy(),
        jobType,
        content,
        monitorConfig,
        contact,
        priority);
  }

  private static <T> T orElse(T value, T fallback) {
    return value != null ? value : fallback;
  }

  /** {@code {"className":…}} → the class name; plain text is taken as the processor name itself. */
  private static String processorOf(String content, OpenApiParams p) {
    if (content == null || content.isBlank()) {
      return null;
    }
    if (!content.strip().startsWith("{")) {
      return content.strip();
    }
    String className = p.jsonObject("content").path("className").asText("");
    if (className.isBlank()) {
      throw new Refusal(400, "content needs a className, e.g. {\"className\":\"com.example.MyProcessor\"}");
    }
    return className;
  }
}
