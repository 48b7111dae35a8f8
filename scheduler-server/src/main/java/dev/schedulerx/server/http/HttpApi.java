package dev.schedulerx.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.schedulerx.job.JobSpec;
import dev.schedulerx.server.audit.AuditTrail;
import dev.schedulerx.server.config.ServerSettings;
import dev.schedulerx.server.dispatch.Backfill;
import dev.schedulerx.server.dispatch.InstanceEnds;
import dev.schedulerx.server.dispatch.InstanceLifecycle;
import dev.schedulerx.server.group.AppGroups;
import dev.schedulerx.server.group.GroupGuard;
import dev.schedulerx.server.registry.WorkerRegistry;
import dev.schedulerx.server.store.AppGroup;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.JobRepository;
import dev.schedulerx.server.store.LogRepository;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's HTTP side: SchedulerX discovery for workers ({@code /worker/v1/...}, envelope {@code
 * {success, code, message, requestId, data}}), the project's JSON API under {@code /api/v1} (bearer token when
 * {@code api-token} is set), and the signed SchedulerX OpenAPI under {@code /openapi/v1} ({@link OpenApiRoutes}).
 */
public final class HttpApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  private final ServerSettings settings;
  private final GroupGuard groups;
  private final Supplier<String> leaderAddress;
  private final JobRepository jobs;
  private final InstanceRepository instances;
  private final InstanceLifecycle lifecycle;
  private final InstanceEnds ends;
  private final WorkerRegistry registry;
  private final LogRepository logs;
  private final AppGroups appGroups;
  private final AuditTrail audit;
  private final ObjectMapper json;
  private final Supplier<Optional<String>> leaderHttp;
  private final List<Consumer<Javalin>> moreRoutes = new ArrayList<>();
  private Javalin app;

  /**
   * @param leaderHttp the leader's HTTP {@code host:port} while another node leads: requests that act on
   *     instances are relayed there ({@link LeaderForwarding}); empty while this node leads
   */
  public HttpApi(
      ServerSettings settings,
      GroupGuard groups,
      Supplier<String> leaderAddress,
      Supplier<Optional<String>> leaderHttp,
      JobRepository jobs,
      InstanceRepository instances,
      InstanceLifecycle lifecycle,
      InstanceEnds ends,
      WorkerRegistry registry,
      LogRepository logs,
      AppGroups appGroups,
      AuditTrail audit,
      ObjectMapper json) {
    this.leaderHttp = leaderHttp;
    this.settings = settings;
    this.groups = groups;
    this.leaderAddress = leaderAddress;
    this.jobs = jobs;
    this.instances = instances;
    this.lifecycle = lifecycle;
    this.ends = ends;
    this.registry = registry;
    this.logs = logs;
    this.appGroups = appGroups;
    this.audit = audit;
    this.json = json;
  }

  /** The JSON mapper of the server's HTTP side: ISO-8601 text for instants. */
  public static ObjectMapper jsonMapper() {
    return new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  }

  private final List<Consumer<OpenApiEndpoint>> moreOpenApi = new ArrayList<>();

  /** OpenAPI operations another part of the server adds (e.g. workflows); call before {@link #start()}. */
  void addOpenApiRoutes(Consumer<OpenApiEndpoint> routes) {
    moreOpenApi.add(routes);
  }

  /** Routes another part of the server adds (e.g. /healthz and /metrics); call before {@link #start()}. */
  public void addRoutes(Consumer<Javalin> routes) {
    moreRoutes.add(routes);
  }

  /** Binds and starts serving; returns the bound port. */
  public int start() {
    app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.jsonMapper(new JavalinJackson(json, false));
              config.http.defaultContentType = "application/json";
              HttpsConnector.configure(config, settings.tls(), settings.host(), settings.httpPort());
            });
    discoveryRoutes(app);
    app.before("/api/v1/*", ctx -> OpenApiEndpoint.checkApiToken(settings, ctx));
    new WorkerSideRoutes(groups, registry).register(app);
    apiRoutes(app);
    new ScheduleRoutes(java.time.Clock.systemDefaultZone()).register(app);
    Backfill backfill = new Backfill(lifecycle, settings.apiSecurity().maxRerunRuns());
    new RestGroupRoutes(appGroups, jobs, audit, backfill).register(app);
    moreRoutes.forEach(routes -> routes.accept(app));
    new OpenApiRoutes(app, settings, appGroups, jobs, instances, lifecycle, ends, registry, logs, audit, backfill, json)
        .register(endpoint -> moreOpenApi.forEach(routes -> routes.accept(endpoint)));
    new ConsoleRoutes().register(app);
    new LogRoutes(logs, json).register(app);
    // After the token check OpenApiRoutes registers: a refused request is refused here, not relayed.
    new LeaderForwarding(leaderHttp, settings.host() + ":" + settings.httpPort(), settings.tls()).register(app);
    app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, e.getMessage()));
    app.exception(dev.schedulerx.server.store.StoreConflictException.class, (e, ctx) -> error(ctx, HttpStatus.CONFLICT, e.getMessage()));
    app.exception(UnrecognizedPropertyException.class,
        (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, "unknown field \"" + e.getPropertyName() + "\""));
    app.exception(com.fasterxml.jackson.databind.exc.MismatchedInputException.class, (e, ctx) -> {
      String field = e.getPath().stream()
          .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
          .collect(java.util.stream.Collectors.joining("."));
      error(ctx, HttpStatus.BAD_REQUEST, (field.isEmpty() ? "malformed JSON: " : "field \"" + field + "\": ") + e.getOriginalMessage());
    });
    app.exception(io.javalin.validation.ValidationException.class, (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST,
        e.getErrors().entrySet().stream()
            .map(en -> en.getKey() + " \"" + en.getValue().get(0).getValue() + "\" is invalid (" + en.getValue().get(0).getMessage() + ")")
            .collect(java.util.stream.Collectors.joining("; "))));
    app.exception(com.fasterxml.jackson.core.JacksonException.class,
        (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, "malformed JSON: " + e.getOriginalMessage()));
    app.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> error(ctx, HttpStatus.forStatus(e.getStatus()), e.getMessage()));
    app.exception(Exception.class, (e, ctx) -> {
      log.error("HTTP {} {} failed", ctx.method(), ctx.path(), e);
      error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
    });
    app.start(settings.host(), settings.httpPort());
    return app.port();
  }

  // ---- SchedulerX discovery, as the official workers call it ----

  /** The response header of the leader's address naming what this server takes beyond the SchedulerX protocol. */
  static final String CAPABILITIES_HEADER = "Schedulerx-Capabilities";

  private void discoveryRoutes(Javalin app) {
    app.get("/schedulerx2/consolelist", ctx -> ctx.contentType("text/plain").result(settings.host() + ":" + app.port()));
    app.get("/worker/v1/appgroup/getLeaderAddr", ctx -> withGroup(ctx, g -> {
      // Our daemons read it (batch.proto); official workers ignore headers they do not know.
      ctx.header(CAPABILITIES_HEADER, "batchStatusReports");
      envelope(ctx, leaderAddress.get());
    }));
    app.get("/worker/v1/appgroup/getId", ctx -> withGroup(ctx, g -> envelope(ctx, Long.toString(groups.appGroupId(g.groupId())))));
    app.get("/worker/v1/appgroup/get", ctx -> withGroup(ctx, g -> envelope(ctx, groupInfo(g))));
    app.get("/worker/v1/appgroup/authenticate", ctx -> envelope(ctx, true));
    app.get("/worker/v1/meta/get", ctx -> envelope(ctx, Map.of()));
  }

  private Map<String, Object> groupInfo(AppGroup g) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("id", g.id());
    info.put("groupId", g.groupId());
    info.put("appName", g.appName());
    info.put("appKey", g.appKey());
    info.put("maxJobs", g.maxJobs());
    info.put("status", 1);
    info.put("namespaceId", g.namespace());
    info.put("enableLog", false);
    info.put("version", 2);
    return info;
  }

  private interface GroupHandler {
    void handle(AppGroup group) throws Exception;
  }

  private void withGroup(Context ctx, GroupHandler handler) throws Exception {
    String groupId = ctx.queryParam("groupId");
    // getId without namespace sends the key as appKeys (plural).
    String appKey = ctx.queryParam("appKey") != null ? ctx.queryParam("appKey") : ctx.queryParam("appKeys");
    String refusal = groups.refusal(groupId, appKey);
    if (refusal != null) {
      log.warn("discovery {} refused for {}: {}", ctx.path(), ctx.ip(), refusal);
      ctx.json(Map.of("success", false, "code", 403, "message", refusal, "requestId", UUID.randomUUID().toString()));
      return;
    }
    handler.handle(appGroups.find(groupId).orElseThrow());
  }

  private void envelope(Context ctx, Object data) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("success", true);
    body.put("code", 200);
    body.put("message", "");
    body.put("requestId", UUID.randomUUID().toString());
    body.put("data", data);
    ctx.json(body);
  }

  // ---- the project's JSON API ----

  private void apiRoutes(Javalin app) {
    app.get("/api/v1/health", ctx -> ctx.json(Map.of("status", "UP")));
    app.get("/api/v1/workers", ctx -> ctx.json(registry.all()));
    app.get("/api/v1/jobs", ctx -> ctx.json(jobs.findAll().stream().map(this::jobView).toList()));
    app.post("/api/v1/jobs", ctx -> {
      JobSpec spec = json.readValue(ctx.body(), JobSpec.class);
      JobDefinition definition = JobDefinition.of(spec);
      if (!definition.isJava() && settings.apiSecurity().apiToken().isEmpty()) {
        // A script or HTTP job is code run on the workers: only a caller that proved the token may create one.
        log.warn("API POST /api/v1/jobs refused for {}: {} job {} without an api-token", ctx.ip(), definition.jobType(), definition.name());
        throw new io.javalin.http.ForbiddenResponse(definition.jobType() + " jobs are accepted only from authenticated callers:"
            + " set schedulerx.server.api-token (SCHEDULERX_API_TOKEN) on the server and send it as Authorization: Bearer");
      }
      if (appGroups.find(definition.groupId()).isEmpty()) {
        throw new IllegalArgumentException("group " + definition.groupId() + " is not known to this server: add it to"
            + " the server's groups or create it (POST /api/v1/groups)");
      }
      Optional<JobDefinition> before = jobs.findByName(definition.groupId(), definition.name());
      JobDefinition stored = jobs.upsert(definition);
      log.info("job {} ({}) upserted: {} {} {}", stored.id(), stored.name(), stored.executeMode(), stored.timeType().key(), stored.timeExpression());
      audited(ctx, before.isPresent() ? "update" : "create", stored, before.map(JobDefinition::toSpec).orElse(null), stored.toSpec());
      ctx.json(jobView(stored));
    });
    app.get("/api/v1/jobs/{name}", ctx -> ctx.json(jobView(job(ctx))));
    app.delete("/api/v1/jobs/{name}", ctx -> {
      JobDefinition job = job(ctx);
      jobs.delete(job.id());
      audited(ctx, "delete", job, job.toSpec(), null);
      ctx.json(Map.of("deleted", job.name()));
    });
    app.post("/api/v1/jobs/{name}/enable", ctx -> ctx.json(Map.of("enabled", setEnabled(ctx, true))));
    app.post("/api/v1/jobs/{name}/disable", ctx -> ctx.json(Map.of("disabled", setEnabled(ctx, false))));
    app.post("/api/v1/jobs/{name}/run", ctx -> {
      JobDefinition job = job(ctx, jobs.findAllNamedCached(ctx.pathParam("name")));
      String params = ctx.body().isBlank() ? "" : String.valueOf(json.readTree(ctx.body()).path("parameters").asText(""));
      JobInstance instance = lifecycle.triggerNowPaced(job, params).join();
      ctx.json(Map.of("instanceId", instance.id(), "job", job.name()));
    });
    app.get("/api/v1/jobs/{name}/instances", ctx -> ctx.json(instances.findByJob(job(ctx).id(), ctx.queryParamAsClass("limit", Integer.class).getOrDefault(20))));
    app.post("/api/v1/instances/{id}/kill", ctx -> {
      try {
        ctx.json(Map.of("message", ends.kill(ctx.pathParamAsClass("id", Long.class).get()).join()));
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof IllegalArgumentException bad) {
          throw bad;
        }
        throw e;
      }
    });
    app.get("/api/v1/instances", ctx -> ctx.json(instances.findRecent(Math.min(500, ctx.queryParamAsClass("limit", Integer.class).getOrDefault(50)))));
    app.get("/api/v1/instances/{id}", ctx -> ctx.json(
        instances.findById(ctx.pathParamAsClass("id", Long.class).get())
            .orElseThrow(() -> new io.javalin.http.NotFoundResponse("no instance " + ctx.pathParam("id")))));
  }

  private boolean setEnabled(Context ctx, boolean enabled) {
    JobDefinition job = job(ctx);
    boolean changed = jobs.setEnabled(job.id(), enabled);
    audited(ctx, enabled ? "enable" : "disable", job, null, null);
    return changed;
  }

  private void audited(Context ctx, String what, JobDefinition job, Object before, Object after) {
    audit.record(AuditTrail.REST, RestGroupRoutes.operator(ctx), job.groupId(), what, "job", job.id(), before, after);
  }

  private JobDefinition job(Context ctx) {
    return job(ctx, jobs.findAllNamed(ctx.pathParam("name")));
  }

  /** The one job of the path's name (in the query's group, if given) among {@code named}. */
  static JobDefinition job(Context ctx, List<JobDefinition> named) {
    String name = ctx.pathParam("name");
    String group = ctx.queryParam("group");
    List<JobDefinition> matches =
        named.stream().filter(j -> j.name().equals(name) && (group == null || j.groupId().equals(group))).toList();
    if (matches.isEmpty()) {
      throw new io.javalin.http.NotFoundResponse("no job named " + name + (group == null ? "" : " in group " + group));
    }
    if (matches.size() > 1) {
      throw new IllegalArgumentException("job " + name + " exists in several groups; add ?group=");
    }
    return matches.get(0);
  }

  private Map<String, Object> jobView(JobDefinition job) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", job.id());
    view.put("spec", job.toSpec());
    instances.latestByJob(job.id()).ifPresent(i -> {
      view.put("lastInstanceId", i.id());
      view.put("lastStatus", i.state());
      view.put("lastScheduleTime", i.scheduleTime());
    });
    return view;
  }

  private static void error(Context ctx, HttpStatus status, String message) {
    ctx.status(status).json(Map.of("error", message == null ? status.getMessage() : message));
  }

  @Override
  public void close() {
    if (app != null) {
      app.stop();
    }
  }
}
