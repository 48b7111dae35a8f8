package dev.schedulerx.server.http;

import dev.schedulerx.server.audit.AuditTrail;
import dev.schedulerx.server.dispatch.InstanceEnds;
import dev.schedulerx.server.dispatch.InstanceLifecycle;
import dev.schedulerx.server.http.OpenApiEndpoint.Caller;
import dev.schedulerx.server.http.OpenApiEndpoint.Refusal;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.LogRepository;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code instance/*} operations and {@code log/get} of the SchedulerX OpenAPI. */
final class OpenApiInstanceRoutes {
  private static final Logger log = LoggerFactory.getLogger(OpenApiInstanceRoutes.class);
  static final int MAX_PAGE = 1000;
  static final int MAX_LOG_LINES = 5000;

  private final OpenApiJobRoutes jobRoutes;
  private final InstanceRepository instances;
  private final InstanceLifecycle lifecycle;
  private final InstanceEnds ends;
  private final LogRepository logs;
  private final AuditTrail audit;
  private final OpenApiViews views;

  OpenApiInstanceRoutes(OpenApiJobRoutes jobRoutes, InstanceRepository instances, InstanceLifecycle lifecycle,
      InstanceEnds ends, LogRepository logs, AuditTrail audit, OpenApiViews views) {
    this.jobRoutes = jobRoutes;
    this.instances = instances;
    this.lifecycle = lifecycle;
    this.ends = ends;
    this.logs = logs;
    this.audit = audit;
    this.views = views;
  }

  void register(OpenApiEndpoint api) {
    api.post("/instance/get", (c, p) -> {
      JobDefinition job = jobRoutes.job(c, p);
      return Map.of("jobInstanceDetail", views.jobInstanceDetail(job, instanceOf(job, p)));
    });
    api.post("/instance/getList", this::list);
    api.post("/instance/kill", this::kill);
    api.post("/instance/retry", this::retry);
    api.post("/instance/setSuccess", this::setSuccess);
    api.post("/log/get", this::logs);
  }

  private JobInstance instanceOf(JobDefinition job, OpenApiParams p) {
    long id = p.requiredLong("instanceId", "jobInstanceId", "id");
    return instances.findById(id)
        .filter(i -> i.jobId() == job.id())
        .orElseThrow(() -> new Refusal(404, "no instance " + id + " of job " + job.id()));
  }

  /** GetJobInstanceListRequest: newest first, filtered by status and schedule time, paged (default 20 a page). */
  private Object list(Caller caller, OpenApiParams p) {
    JobDefinition job = jobRoutes.job(caller, p);
    Integer status = p.optionalInt("status");
    InstanceState state = null;
    if (status != null && status >= 0) {
      try {
        state = InstanceState.fromValue(status);
      } catch (IllegalArgumentException e) {
        throw new Refusal(400, "status " + status + " is not an instance status (1 waiting … 5 failed)");
      }
    }
    int pageSize = p.has("pageSize") ? p.intOr("pageSize", 20) : p.intOr("limit", 20);
    int pageNum = p.intOr("pageNum", 1);
    if (pageSize < 1 || pageNum < 1) {
      throw new Refusal(400, "pageNum and pageSize must be at least 1");
    }
    pageSize = Math.min(pageSize, MAX_PAGE);
    Long from = p.optionalLong("startTimestamp");
    Long to = p.optionalLong("endTimestamp");
    List<Map<String, Object>> list = instances.findByJob(job.id(), state,
            from == null ? null : Instant.ofEpochMilli(from), to == null ? null : Instant.ofEpochMilli(to),
            (pageNum - 1) * pageSize, pageSize)
        .stream().map(i -> views.jobInstanceDetail(job, i)).toList();
    return Map.of("jobInstanceDetails", list);
  }

  private Object kill(Caller caller, OpenApiParams p) {
    JobDefinition job = jobRoutes.job(caller, p);
    JobInstance instance = instanceOf(job, p);
    String outcome = ends.kill(instance.id()).join();
    audit.record(AuditTrail.OPENAPI, caller.user(), caller.groupId(), "kill", "instance", instance.id(), null, outcome);
    return Map.of("message", outcome);
  }

  /**
   * Runs a failed or killed instance again: a new attempt of the same schedule time (a new instance id, returned
   * as {@code jobInstanceId}), trigger type user retry.
   */
  private Object retry(Caller caller, OpenApiParams p) {
    JobDefinition job = jobRoutes.job(caller, p);
    JobInstance failed = instanceOf(job, p);
    if (failed.state() != InstanceState.FAILED && failed.state() != InstanceState.KILLED) {
      throw new Refusal(400, "instance " + failed.id() + " is " + failed.state() + ": only a FAILED or KILLED instance can be retried");
    }
    JobInstance retry = lifecycle.retryByOperator(job, failed)
        .orElseThrow(() -> new Refusal(400, "instance " + failed.id() + " was retried too often already"));
    log.info("OpenAPI: instance {} of job {} ({}) retried as instance {} (attempt {}) by {}",
        failed.id(), job.id(), job.name(), retry.id(), retry.attempt(), caller.user());
    audit.record(AuditTrail.OPENAPI, caller.user(), caller.groupId(), "retry", "instance", failed.id(), null,
        Map.of("retryInstanceId", retry.id()));
    return Map.of("jobInstanceId", retry.id());
  }

  /** Marks a failed or killed instance SUCCESS (an operator's decision, noted in its result). */
  private Object setSuccess(Caller caller, OpenApiParams p) {
    JobDefinition job = jobRoutes.job(caller, p);
    JobInstance instance = instanceOf(job, p);
    if (!instances.markSucceeded(instance.id(), "set to SUCCESS through the OpenAPI by " + caller.user() + " (was "
        + instance.state() + ": " + Optional.ofNullable(instance.result()).orElse("") + ")")) {
      throw new Refusal(400, "instance " + instance.id() + " is " + instance.state()
          + ": only a FAILED or KILLED instance can be set to SUCCESS");
    }
    log.info("OpenAPI: instance {} of job {} ({}) set to SUCCESS (was {}) by {}", instance.id(), job.id(), job.name(),
        instance.state(), caller.user());
    audit.record(AuditTrail.OPENAPI, caller.user(), caller.groupId(), "setSuccess", "instance", instance.id(),
        instance.state().name(), InstanceState.SUCCESS.name());
    return Map.of();
  }

  /**
   * GetLogRequest: the instance's lines as text, newest first unless {@code reverse=false}, {@code line} of them
   * (default 50) after skipping {@code offset}, optionally only those with {@code keyword} or logged between the
   * timestamps.
   */
  private Object logs(Caller caller, OpenApiParams p) {
    JobDefinition job = jobRoutes.job(caller, p);
    JobInstance instance = instanceOf(job, p);
    int line = p.intOr("line", 50);
    int offset = p.intOr("offset", 0);
    if (line < 1 || line > MAX_LOG_LINES || offset < 0) {
      throw new Refusal(400, "line must be between 1 and " + MAX_LOG_LINES + " and offset not negative");
    }
    Boolean reverse = p.optionalBoolean("reverse");
    Long from = p.optionalLong("startTimestamp");
    Long to = p.optionalLong("endTimestamp");
    List<String> lines = logs.find(instance.id(), from == null ? null : Instant.ofEpochMilli(from),
            to == null ? null : Instant.ofEpochMilli(to), p.nonBlank("keyword"), offset, line, reverse == null || reverse)
        .stream()
        .map(l -> views.humanDate(l.time()) + " " + l.level() + " [" + l.worker() + "] " + l.logger() + " - " + l.message())
        .toList();
    return Map.of("logs", lines);
  }
}
