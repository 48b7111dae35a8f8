package dev.schedulerx.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.server.ServerSettings;
import dev.schedulerx.server.ServerSettings.AppGroup;
import dev.schedulerx.server.dispatch.InstanceLifecycle;
import dev.schedulerx.server.schedule.TimeType;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.JobRepository;
import dev.schedulerx.server.store.StoreConflictException;
import dev.schedulerx.server.store.TriggerType;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SchedulerX OpenAPI subset of SEMANTICS.md §4.2 under {@code /openapi/v1}, as the Java SDK (POST,
 * form-urlencoded) and the Go SDK (POST, JSON) call it, signed per §4.3; plus the bearer-token check of
 * the project's own {@code /api/v1}. Answers use the SchedulerX envelope {@code {code, success, message,
 * requestId, data}}; refusals carry {@code success:false} and the HTTP status in {@code code}.
 */
final class OpenApiRoutes {
  private static final Logger log = LoggerFactory.getLogger(OpenApiRoutes.class);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final String CALLER = "openapi.group";
  /** How many manual retries one run may get. */
  private static final int MAX_MANUAL_RETRIES = 100;

  private final ServerSettings settings;
  private final JobRepository jobs;
  private final InstanceRepository instances;
  private final InstanceLifecycle lifecycle;
  private final ObjectMapper json;

  OpenApiRoutes(ServerSettings settings, JobRepository jobs, InstanceRepository instances, InstanceLifecycle lifecycle, ObjectMapper json) {
    this.settings = settings;
    this.jobs = jobs;
    this.instances = instances;
    this.lifecycle = lifecycle;
    this.json = json;
  }

  /** A refusal: HTTP status and envelope code {@code status}, one-line {@code message}. */
  static final class Refusal extends RuntimeException {
    final int status;

    Refusal(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private interface Operation {
    Object run(AppGroup caller, Map<String, String> params) throws Exception;
  }

  void register(Javalin app) {
    app.before("/api/v1/*", this::checkApiToken);
    app.exception(Refusal.class, (e, ctx) -> refuse(ctx, e));

    post(app, "/openapi/v1/job/create", this::create);
    post(app, "/openapi/v1/job/update", this::update);
    post(app, "/openapi/v1/job/delete", (g, p) -> {
      jobs.delete(job(g, p).id());
      return Map.of();
    });
    post(app, "/openapi/v1/job/enable", (g, p) -> {
      jobs.setEnabled(job(g, p).id(), true);
      return Map.of();
    });
    post(app, "/openapi/v1/job/disable", (g, p) -> {
      jobs.setEnabled(job(g, p).id(), false);
      return Map.of();
    });
    post(app, "/openapi/v1/job/get", (g, p) -> Map.of("jobConfigInfo", jobView(job(g, p))));
    post(app, "/openapi/v1/job/execute", this::execute);
    post(app, "/openapi/v1/instance/get", (g, p) -> {
      JobDefinition job = job(g, p);
      long id = instanceIdParam(p);
      return Map.of("jobInstanceDetail", instanceView(job, instanceOf(job, id)));
    });
    post(app, "/openapi/v1/instance/getList", (g, p) -> {
      JobDefinition job = job(g, p);
      int limit = p.containsKey("pageSize") ? intParam(p, "pageSize", 20) : intParam(p, "limit", 20);
      List<Map<String, Object>> list =
          instances.findByJob(job.id(), Math.max(1, Math.min(limit, 1000))).stream().map(i -> instanceView(job, i)).toList();
      return Map.of("jobInstanceDetails", list);
    });
    post(app, "/openapi/v1/instance/kill", this::kill);
    post(app, "/openapi/v1/instance/retry", this::retry);
    post(app, "/openapi/v1/instance/setSuccess", this::setSuccess);
    post(app, "/openapi/v1/job/list", this::list);
    post(app, "/openapi/v1/job/batchEnable", (g, p) -> batch(g, p, "enabled", job -> jobs.setEnabled(job.id(), true)));
    post(app, "/openapi/v1/job/batchDisable", (g, p) -> batch(g, p, "disabled", job -> jobs.setEnabled(job.id(), false)));
    post(app, "/openapi/v1/job/batchDelete", (g, p) -> batch(g, p, "deleted", job -> jobs.delete(job.id())));
  }

  // ---- authentication ----

  private void checkApiToken(Context ctx) {
    String token = settings.apiSecurity().apiToken();
    if (token.isEmpty()) {
      return;
    }
    String header = ctx.header("Authorization");
    String expected = "Bearer " + token;
    if (header == null
        || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), header.strip().getBytes(StandardCharsets.UTF_8))) {
      log.warn("API {} {} refused for {}: {}", ctx.method(), ctx.path(), ctx.ip(), header == null ? "no bearer token" : "wrong bearer token");
      throw new io.javalin.http.UnauthorizedResponse("missing or wrong API token");
    }
  }

  /** Checks the §4.3 headers; returns the calling group or throws a 401 Refusal with the reason. */
  private AppGroup authenticate(Context ctx) {
    String timestamp = ctx.header("openapi-timestamp");
    String groupId = ctx.header("openapi-groupid");
    String signature = ctx.header("openapi-signature");
    for (String[] h : new String[][] {{"openapi-timestamp", timestamp}, {"openapi-groupid", groupId}, {"openapi-signature", signature}}) {
      if (h[1] == null || h[1].isBlank()) {
        throw new Refusal(401, "missing header " + h[0]);
      }
    }
    Optional<AppGroup> group = settings.group(groupId);
    if (group.isEmpty()) {
      throw new Refusal(401, "unknown group " + groupId);
    }
    long millis;
    try {
      millis = Long.parseLong(timestamp.strip());
    } catch (NumberFormatException e) {
      throw new Refusal(401, "openapi-timestamp \"" + timestamp + "\" is not epoch milliseconds");
    }
    long skew = Math.abs(System.currentTimeMillis() - millis);
    if (skew > settings.apiSecurity().openApiSkew().toMillis()) {
      throw new Refusal(401, "stale timestamp: " + skew + " ms from the server clock, more than the allowed "
          + settings.apiSecurity().openApiSkew().toMillis() + " ms");
    }
    if (!OpenApiSignature.matches(group.get().appKey(), groupId, timestamp, signature)) {
      throw new Refusal(401, "bad signature for group " + groupId);
    }
    return group.get();
  }

  // ---- plumbing ----

  private void post(Javalin app, String path, Operation operation) {
    app.post(path, ctx -> {
      AppGroup caller = authenticate(ctx);
      ctx.attribute(CALLER, caller.groupId());
      Map<String, String> params;
      try {
        params = params(ctx);
      } catch (com.fasterxml.jackson.core.JacksonException e) {
        throw new Refusal(400, "malformed JSON body: " + e.getOriginalMessage().replace('\n', ' '));
      }
      String groupParam = params.get("groupId");
      if (groupParam != null && !groupParam.isBlank() && !groupParam.equals(caller.groupId())) {
        throw new Refusal(401, "groupId " + groupParam + " does not match openapi-groupid " + caller.groupId());
      }
      Object data;
      try {
        data = operation.run(caller, params);
      } catch (Refusal e) {
        throw e;
      } catch (CompletionException e) {
        throw e.getCause() instanceof IllegalArgumentException bad ? new Refusal(400, bad.getMessage()) : e;
      } catch (IllegalArgumentException | StoreConflictException e) {
        throw new Refusal(400, e.getMessage());
      }
      ctx.json(envelope(200, true, "", data));
    });
  }

  private void refuse(Context ctx, Refusal e) {
    String message = e.getMessage() == null ? "refused" : e.getMessage().replace('\n', ' ');
    if (e.status == 401) {
      log.warn("OpenAPI {} refused for {}: {}", ctx.path(), ctx.ip(), message);
    } else {
      log.info("OpenAPI {} from group {} failed: {}", ctx.path(), ctx.attribute(CALLER), message);
    }
    ctx.status(e.status).json(envelope(e.status, false, message, null));
  }

  private static Map<String, Object> envelope(int code, boolean success, String message, Object data) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", code);
    body.put("success", success);
    body.put("message", message);
    body.put("requestId", UUID.randomUUID().toString());
    if (data != null) {
      body.put("data", data);
    }
    return body;
  }

  /** Query parameters, then the body: a JSON object (Go SDK) or form fields (Java SDK). */
  private Map<String, String> params(Context ctx) throws Exception {
    Map<String, String> params = new LinkedHashMap<>();
    ctx.queryParamMap().forEach((k, v) -> params.put(k, v.isEmpty() ? "" : v.get(0)));
    String contentType = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (contentType.startsWith("multipart/")) {
      // the SDKs send form-urlencoded (Java) or JSON (Go); multipart would need another parser
      throw new Refusal(415, "unsupported content type " + contentType + ": send application/x-www-form-urlencoded or application/json");
    }
    String body = ctx.body();
    if (contentType.contains("json") || (!contentType.contains("form") && body.strip().startsWith("{"))) {
      if (!body.isBlank()) {
        JsonNode tree = json.readTree(body);
        if (!tree.isObject()) {
          throw new Refusal(400, "the JSON body must be an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          JsonNode v = field.getValue();
          if (!v.isNull()) {
            params.put(field.getKey(), v.isValueNode() ? v.asText() : json.writeValueAsString(v));
          }
        }
      }
    } else {
      ctx.formParamMap().forEach((k, v) -> params.put(k, v.isEmpty() ? "" : v.get(0)));
    }
    return params;
  }

  private static Long optionalLong(Map<String, String> p, String name) {
    String v = p.get(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw new Refusal(400, name + " must be an integer, got \"" + v + "\"");
    }
  }

  private static long longParam(Map<String, String> p, String name) {
    Long v = optionalLong(p, name);
    if (v == null) {
      throw new Refusal(400, name + " is required");
    }
    return v;
  }

  /** The instance named by {@code instanceId}, {@code jobInstanceId} or {@code id}: operations and SDKs differ. */
  private static long instanceIdParam(Map<String, String> p) {
    for (String name : List.of("instanceId", "jobInstanceId", "id")) {
      Long id = optionalLong(p, name);
      if (id != null) {
        return id;
      }
    }
    throw new Refusal(400, "instanceId is required");
  }

  private static Integer optionalInt(Map<String, String> p, String name) {
    Long v = optionalLong(p, name);
    if (v != null && (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE)) {
      throw new Refusal(400, name + " is out of range: " + v);
    }
    return v == null ? null : v.intValue();
  }

  private static int intParam(Map<String, String> p, String name, int fallback) {
    Integer v = optionalInt(p, name);
    return v == null ? fallback : v;
  }

  private JobDefinition job(AppGroup caller, Map<String, String> p) {
    long id = longParam(p, "jobId");
    return jobs.findById(id)
        .filter(j -> j.groupId().equals(caller.groupId()))
        .orElseThrow(() -> new Refusal(404, "no job " + id + " in group " + caller.groupId()));
  }

  /** {@code jobIdList} as SchedulerX clients send it: "1,2,3" or a JSON array. */
  private static List<Long> jobIds(Map<String, String> p) {
    String raw = p.get("jobIdList");
    if (raw == null || raw.isBlank()) {
      throw new Refusal(400, "jobIdList is required, e.g. 1,2,3");
    }
    List<Long> ids = new java.util.ArrayList<>();
    for (String part : raw.replace("[", "").replace("]", "").split(",")) {
      if (!part.isBlank()) {
        try {
          ids.add(Long.parseLong(part.strip().replace("\"", "")));
        } catch (NumberFormatException e) {
          throw new Refusal(400, "jobIdList must hold job ids, got \"" + abbreviate(part.strip()) + "\"");
        }
      }
    }
    if (ids.isEmpty()) {
      throw new Refusal(400, "jobIdList is empty");
    }
    return ids;
  }

  /**
   * Applies {@code change} to every listed job, after checking all of them belong to the caller: either every
   * job changes or, when one is unknown, none does.
   */
  private Object batch(AppGroup caller, Map<String, String> p, String done, java.util.function.Consumer<JobDefinition> change) {
    List<JobDefinition> listed = jobIds(p).stream()
        .map(id -> job(caller, Map.of("jobId", Long.toString(id))))
        .toList();
    listed.forEach(change);
    log.info("OpenAPI: jobs {} {} in group {}", listed.stream().map(JobDefinition::id).toList(), done, caller.groupId());
    return Map.of();
  }

  private JobInstance instanceOf(JobDefinition job, long instanceId) {
    return instances.findById(instanceId)
        .filter(i -> i.jobId() == job.id())
        .orElseThrow(() -> new Refusal(404, "no instance " + instanceId + " of job " + job.id()));
  }

  // ---- jobs ----

  private Object create(AppGroup caller, Map<String, String> p) {
    JobSpec spec = merge(caller, null, p);
    JobDefinition definition = spec.toDefinition();
    if (jobs.findByName(definition.groupId(), definition.name()).isPresent()) {
      throw new Refusal(400, "job " + definition.name() + " already exists in group " + definition.groupId());
    }
    JobDefinition stored = jobs.upsert(definition);
    log.info("OpenAPI: job {} ({}) created in group {}", stored.id(), stored.name(), stored.groupId());
    return Map.of("jobId", stored.id());
  }

  private Object update(AppGroup caller, Map<String, String> p) {
    JobDefinition existing = job(caller, p);
    JobDefinition changed = merge(caller, existing, p).toDefinition().withId(existing.id());
    if (!jobs.update(changed)) {
      throw new Refusal(404, "no job " + existing.id() + " in group " + caller.groupId());
    }
    log.info("OpenAPI: job {} ({}) updated", changed.id(), changed.name());
    return Map.of();
  }

  /** The spec of {@code existing} (or SchedulerX's defaults) with every wire parameter present in {@code p} applied. */
  private JobSpec merge(AppGroup caller, JobDefinition existing, Map<String, String> p) {
    JobSpec base = existing == null ? null : JobSpec.of(existing);
    String jobType = p.get("jobType");
    if (jobType != null && !jobType.isBlank() && !jobType.strip().equalsIgnoreCase("java")) {
      throw new Refusal(400, "jobType \"" + jobType + "\" is not supported: only java");
    }
    String processor = base == null ? null : base.processor();
    if (p.containsKey("content")) {
      processor = processorOf(p.get("content"));
    } else if (p.containsKey("className")) {
      processor = p.get("className");
    }
    if (processor == null || processor.isBlank()) {
      throw new Refusal(400, "content is required, e.g. {\"className\":\"com.example.MyProcessor\"}");
    }
    String timeType = base == null ? TimeType.CRON.key() : base.timeType();
    Integer timeTypeValue = optionalInt(p, "timeType");
    if (timeTypeValue != null) {
      timeType = TimeType.fromValue(timeTypeValue).key();
    }
    Boolean enabled = base == null ? Boolean.TRUE : base.enabled();
    Integer status = optionalInt(p, "status");
    if (status != null) {
      if (status != 0 && status != 1) {
        throw new Refusal(400, "status must be 1 (enabled) or 0 (disabled), got " + status);
      }
      enabled = status == 1;
    }
    String xattrs = text(p, "xattrs", base == null ? null : base.xattrs());
    Integer taskMaxAttempt = base == null ? null : base.taskMaxAttempt();
    Integer taskAttemptInterval = base == null ? null : base.taskAttemptInterval();
    if (p.containsKey("xattrs") && xattrs != null && !xattrs.isBlank()) {
      JsonNode x = jsonObject("xattrs", xattrs);
      if (x.hasNonNull("taskMaxAttempt")) {
        taskMaxAttempt = x.get("taskMaxAttempt").asInt();
      }
      if (x.hasNonNull("taskAttemptInterval")) {
        taskAttemptInterval = x.get("taskAttemptInterval").asInt();
      }
    }
    Long timeout = base == null ? null : base.timeout();
    String monitor = p.get("monitorConfig");
    if (monitor != null && !monitor.isBlank()) {
      JsonNode m = jsonObject("monitorConfig", monitor);
      boolean timeoutEnabled = m.path("timeoutEnable").asBoolean(true);
      timeout = timeoutEnabled && m.hasNonNull("timeout") ? m.get("timeout").asLong() : 0L;
    }
    return new JobSpec(
        caller.groupId(),
        text(p, "name", base == null ? null : base.name()),
        processor,
        text(p, "executeMode", base == null ? null : base.executeMode()),
        text(p, "parameters", base == null ? null : base.parameters()),
        timeType,
        text(p, "timeExpression", base == null ? null : base.timeExpression()),
        text(p, "timezone", text(p, "timeZone", base == null ? null : base.timeZone())),
        orElse(optionalInt(p, "maxAttempt"), base == null ? null : base.maxAttempt()),
        orElse(optionalInt(p, "attemptInterval"), base == null ? null : base.attemptInterval()),
        taskMaxAttempt,
        taskAttemptInterval,
        timeout,
        orElse(optionalInt(p, "maxConcurrency"), base == null ? null : base.maxConcurrency()),
        enabled,
        xattrs,
        text(p, "description", base == null ? null : base.description()),
        // SchedulerX has no such parameter: an update keeps what the REST API or the config set.
        base == null ? null : base.concurrencyPolicy());
  }

  private static <T> T orElse(T value, T fallback) {
    return value != null ? value : fallback;
  }

  private static String text(Map<String, String> p, String name, String fallback) {
    return p.containsKey(name) ? p.get(name) : fallback;
  }

  private JsonNode jsonObject(String name, String text) {
    try {
      JsonNode node = json.readTree(text);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (Exception e) {
      // reported below
    }
    throw new Refusal(400, name + " must be a JSON object, got " + abbreviate(text));
  }

  /** {@code {"className":…}} → the class name; plain text is taken as the processor name itself. */
  private String processorOf(String content) {
    if (content == null || content.isBlank()) {
      return null;
    }
    if (!content.strip().startsWith("{")) {
      return content.strip();
    }
    JsonNode node = jsonObject("content", content);
    String className = node.path("className").asText("");
    if (className.isBlank()) {
      throw new Refusal(400, "content needs a className, e.g. {\"className\":\"com.example.MyProcessor\"}");
    }
    return className;
  }

  private Map<String, Object> jobView(JobDefinition j) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("jobId", j.id());
    v.put("groupId", j.groupId());
    v.put("name", j.name());
    v.put("description", j.description());
    v.put("jobType", "java");
    v.put("content", json.createObjectNode().put("className", j.processor()).toString());
    v.put("className", j.processor());
    v.put("executeMode", j.executeMode());
    v.put("parameters", j.parameters());
    v.put("maxConcurrency", j.maxConcurrency());
    v.put("maxAttempt", j.maxAttempt());
    v.put("attemptInterval", j.attemptIntervalSeconds());
    v.put("status", j.enabled() ? 1 : 0);
    Map<String, Object> time = new LinkedHashMap<>();
    time.put("timeType", j.timeType().value());
    time.put("timeExpression", j.timeExpression());
    time.put("timezone", j.timeZone());
    v.put("timeConfig", time);
    v.putAll(time);
    v.put("xattrs", j.xattrs());
    v.put("taskMaxAttempt", j.taskMaxAttempt());
    v.put("taskAttemptInterval", j.taskAttemptIntervalSeconds());
    v.put("timeout", j.timeoutSeconds());
    return v;
  }

  // ---- instances ----

  private Object execute(AppGroup caller, Map<String, String> p) {
    JobDefinition job = job(caller, p);
    if (Boolean.parseBoolean(p.getOrDefault("checkJobStatus", "false")) && !job.enabled()) {
      throw new Refusal(400, "job " + job.id() + " is disabled");
    }
    JobInstance instance = lifecycle.triggerNowPaced(job, p.getOrDefault("instanceParameters", "")).join();
    log.info("OpenAPI: instance {} of job {} ({}) triggered", instance.id(), job.id(), job.name());
    return Map.of("jobInstanceId", instance.id());
  }

  private Object kill(AppGroup caller, Map<String, String> p) {
    JobDefinition job = job(caller, p);
    long id = instanceIdParam(p);
    JobInstance instance = instanceOf(job, id);
    return Map.of("message", lifecycle.kill(instance.id()).join());
  }

  /**
   * Runs a failed or killed instance again: a new attempt of the same schedule time (a new instance id, returned
   * as {@code jobInstanceId}), as an automatic retry would.
   */
  private Object retry(AppGroup caller, Map<String, String> p) {
    JobDefinition job = job(caller, p);
    JobInstance failed = instanceOf(job, instanceIdParam(p));
    if (failed.state() != InstanceState.FAILED && failed.state() != InstanceState.KILLED) {
      throw new Refusal(400, "instance " + failed.id() + " is " + failed.state() + ": only a FAILED or KILLED instance can be retried");
    }
    // A later attempt of this run may exist (an automatic retry): take the next free one.
    for (int attempt = failed.attempt() + 1; attempt <= failed.attempt() + MAX_MANUAL_RETRIES; attempt++) {
      Optional<JobInstance> created =
          lifecycle.createScheduled(job, failed.scheduleTime(), TriggerType.RETRY, attempt, failed.instanceParameters());
      if (created.isPresent()) {
        log.info("OpenAPI: instance {} of job {} ({}) retried as instance {} (attempt {})",
            failed.id(), job.id(), job.name(), created.get().id(), attempt);
        return Map.of("jobInstanceId", created.get().id());
      }
    }
    throw new Refusal(400, "instance " + failed.id() + " was retried " + MAX_MANUAL_RETRIES + " times already");
  }

  /** Marks a failed or killed instance SUCCESS (an operator's decision, noted in its result). */
  private Object setSuccess(AppGroup caller, Map<String, String> p) {
    JobDefinition job = job(caller, p);
    long id = instanceIdParam(p);
    JobInstance instance = instanceOf(job, id);
    if (!instances.markSucceeded(instance.id(), "set to SUCCESS through the OpenAPI (was " + instance.state() + ": "
        + Optional.ofNullable(instance.result()).orElse("") + ")")) {
      throw new Refusal(400, "instance " + id + " is " + instance.state() + ": only a FAILED or KILLED instance can be set to SUCCESS");
    }
    log.info("OpenAPI: instance {} of job {} ({}) set to SUCCESS (was {})", id, job.id(), job.name(), instance.state());
    return Map.of();
  }

  /** The caller's jobs, optionally only those named {@code jobName} and with {@code status} 1 (enabled) or 0. */
  private Object list(AppGroup caller, Map<String, String> p) {
    String name = p.getOrDefault("jobName", "");
    Integer status = optionalInt(p, "status");
    List<Map<String, Object>> listed = jobs.findAll().stream()
        .filter(j -> j.groupId().equals(caller.groupId()))
        .filter(j -> name.isBlank() || j.name().equals(name.strip()))
        .filter(j -> status == null || (j.enabled() ? 1 : 0) == status)
        .map(this::jobView)
        .toList();
    return Map.of("jobs", listed);
  }

  private static Map<String, Object> instanceView(JobDefinition job, JobInstance i) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("instanceId", i.id());
    v.put("jobId", i.jobId());
    v.put("jobName", i.jobName());
    v.put("status", i.state().value());
    v.put("scheduleTime", time(i.scheduleTime()));
    v.put("dataTime", time(i.scheduleTime()));
    v.put("startTime", time(i.startedAt()));
    v.put("endTime", time(i.finishedAt()));
    v.put("executor", i.workerId());
    v.put("workAddr", i.workerAddr());
    v.put("result", i.result());
    v.put("failReason", i.state().isFinished() && i.state().value() != 4 ? i.result() : null);
    v.put("progress", i.progress());
    v.put("attempt", i.attempt());
    v.put("parameters", i.instanceParameters());
    v.put("timeType", job.timeType().value());
    // No triggerType: SDKs read it as an integer whose values are not known (SEMANTICS.md open question 4).
    return v;
  }

  private static String time(Instant t) {
    return t == null ? null : TIME.format(t.atZone(ZoneId.systemDefault()));
  }

  private static String abbreviate(String s) {
    String one = s.replace('\n', ' ');
    return one.length() <= 80 ? one : one.substring(0, 80) + "...";
  }
}
