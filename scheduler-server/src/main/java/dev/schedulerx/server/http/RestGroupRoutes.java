package dev.schedulerx.server.http;

import dev.schedulerx.server.dispatch.Backfill;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.schedulerx.server.audit.AuditTrail;
import dev.schedulerx.server.group.AppGroups;
import dev.schedulerx.server.store.AppGroup;
import dev.schedulerx.server.store.Designation;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.JobRepository;
import dev.schedulerx.server.store.Namespace;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The project's REST API for app groups, namespaces, the audit trail, designated workers and back-fill (under
 * {@code /api/v1}, behind the API token like the rest of it). The CLI and the console call these.
 */
final class RestGroupRoutes {
  private static final Logger log = LoggerFactory.getLogger(RestGroupRoutes.class);

  @JsonIgnoreProperties(ignoreUnknown = false)
  record GroupBody(String groupId, String namespace, String appName, String appKey, String description, Integer maxJobs,
      Integer maxConcurrency, String monitorConfig, String contact) {}

  @JsonIgnoreProperties(ignoreUnknown = false)
  record NamespaceBody(String uid, String name, String description) {}

  /** {@code type}: workers, labels or none. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  record DesignateBody(String type, List<String> targets, Boolean transferable) {}

  /** {@code from} and {@code to}: ISO-8601 instants or epoch milliseconds. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  record RerunBody(String from, String to, String parameters) {}

  private final AppGroups groups;
  private final JobRepository jobs;
  private final AuditTrail audit;
  private final Backfill backfill;

  RestGroupRoutes(AppGroups groups, JobRepository jobs, AuditTrail audit, Backfill backfill) {
    this.groups = groups;
    this.jobs = jobs;
    this.audit = audit;
    this.backfill = backfill;
  }

  /** Who the audit trail names for a REST call: the {@code X-Operator} header the CLI and console send. */
  static String operator(Context ctx) {
    String who = ctx.header("X-Operator");
    return who == null || who.isBlank() ? "api" : who.strip();
  }

  void register(Javalin app) {
    app.get("/api/v1/groups", ctx -> ctx.json(groups.all().stream().map(g -> view(g, false)).toList()));
    app.get("/api/v1/groups/{id}", ctx -> ctx.json(view(group(ctx), true)));
    app.post("/api/v1/groups", this::createGroup);
    app.put("/api/v1/groups/{id}", this::updateGroup);
    app.delete("/api/v1/groups/{id}", this::deleteGroup);
    app.get("/api/v1/namespaces", ctx -> ctx.json(groups.namespaces()));
    app.post("/api/v1/namespaces", ctx -> {
      NamespaceBody body = ctx.bodyAsClass(NamespaceBody.class);
      Namespace ns = new Namespace(required(body.uid(), "uid"), body.name(), body.description(), "rest");
      groups.createNamespace(ns);
      audit.record(AuditTrail.REST, operator(ctx), null, "create", "namespace", ns.uid(), null, ns);
      ctx.json(ns);
    });
    app.delete("/api/v1/namespaces/{uid}", ctx -> {
      String uid = ctx.pathParam("uid");
      if (!groups.deleteNamespace(uid)) {
        throw new NotFoundResponse("no namespace " + uid);
      }
      audit.record(AuditTrail.REST, operator(ctx), null, "delete", "namespace", uid, uid, null);
      ctx.json(Map.of("deleted", uid));
    });
    app.get("/api/v1/operations", ctx -> ctx.json(audit.find(ctx.queryParam("group"), ctx.queryParam("objectType"),
        ctx.queryParam("objectId"), ctx.queryParamAsClass("offset", Integer.class).check(o -> o >= 0, "must not be negative").getOrDefault(0),
        ctx.queryParamAsClass("limit", Integer.class).check(l -> l >= 1 && l <= 1000, "must be between 1 and 1000").getOrDefault(50))));
    app.get("/api/v1/jobs/{name}/designate", ctx -> ctx.json(job(ctx).designation()));
    app.post("/api/v1/jobs/{name}/designate", this::designate);
    app.post("/api/v1/jobs/{name}/rerun", this::rerun);
  }

  private AppGroup group(Context ctx) {
    return groups.find(ctx.pathParam("id")).orElseThrow(() -> new NotFoundResponse("no group " + ctx.pathParam("id")));
  }

  private JobDefinition job(Context ctx) {
    return HttpApi.job(ctx, jobs.findAllNamed(ctx.pathParam("name")));
  }

  private void createGroup(Context ctx) {
    GroupBody b = ctx.bodyAsClass(GroupBody.class);
    String groupId = required(b.groupId(), "groupId");
    if (!groupId.matches("[A-Za-z0-9_.-]{1,128}")) {
      throw new IllegalArgumentException("groupId \"" + groupId + "\": use 1-128 letters, digits, '_', '-' or '.'");
    }
    String namespace = b.namespace() == null || b.namespace().isBlank() ? "default" : b.namespace();
    if (groups.namespace(namespace).isEmpty()) {
      throw new IllegalArgumentException("namespace " + namespace + " does not exist: create it first (POST /api/v1/namespaces)");
    }
    AppGroup stored = groups.create(new AppGroup(0, groupId, namespace, b.appName() == null ? groupId : b.appName(),
        required(b.appKey(), "appKey"), b.description(), orDefault(b.maxJobs(), AppGroup.DEFAULT_MAX_JOBS),
        orDefault(b.maxConcurrency(), AppGroup.DEFAULT_MAX_CONCURRENCY), b.monitorConfig(), b.contact(), "", ""));
    audit.record(AuditTrail.REST, operator(ctx), groupId, "create", "group", groupId, null, view(stored, false));
    log.info("app group {} created in namespace {} by {}", groupId, namespace, operator(ctx));
    ctx.json(view(stored, false));
  }

  /** Replaces the fields the body names; {@code appKey} rotates the key (workers with the old one are refused). */
  private void updateGroup(Context ctx) {
    AppGroup g = group(ctx);
    GroupBody b = ctx.bodyAsClass(GroupBody.class);
    if (b.groupId() != null && !b.groupId().equals(g.groupId())) {
      throw new IllegalArgumentException("groupId cannot change (" + g.groupId() + ")");
    }
    AppGroup changed = new AppGroup(g.id(), g.groupId(), b.namespace() == null ? g.namespace() : b.namespace(),
        b.appName() == null ? g.appName() : b.appName(), b.appKey() == null ? g.appKey() : required(b.appKey(), "appKey"),
        b.description() == null ? g.description() : b.description(), orDefault(b.maxJobs(), g.maxJobs()),
        orDefault(b.maxConcurrency(), g.maxConcurrency()), b.monitorConfig() == null ? g.monitorConfig() : b.monitorConfig(),
        b.contact() == null ? g.contact() : b.contact(), g.alarmJson(), g.metricsThresholdJson());
    if (!changed.namespace().equals(g.namespace()) && groups.namespace(changed.namespace()).isEmpty()) {
      throw new IllegalArgumentException("namespace " + changed.namespace() + " does not exist");
    }
    groups.update(changed);
    audit.record(AuditTrail.REST, operator(ctx), g.groupId(), "update", "group", g.groupId(), view(g, false), view(changed, false));
    log.info("app group {} updated by {}{}", g.groupId(), operator(ctx), changed.appKey().equals(g.appKey()) ? "" : " (app key rotated)");
    ctx.json(view(changed, false));
  }

  private void deleteGroup(Context ctx) {
    AppGroup g = group(ctx);
    List<JobDefinition> owned = jobs.findAll().stream().filter(j -> j.groupId().equals(g.groupId())).toList();
    boolean deleteJobs = Boolean.parseBoolean(ctx.queryParam("deleteJobs"));
    if (!owned.isEmpty() && !deleteJobs) {
      throw new IllegalArgumentException("group " + g.groupId() + " has " + owned.size()
          + " jobs: delete them first or add ?deleteJobs=true");
    }
    owned.forEach(j -> jobs.delete(j.id()));
    groups.delete(g.groupId());
    audit.record(AuditTrail.REST, operator(ctx), g.groupId(), "delete", "group", g.groupId(), view(g, false), null);
    ctx.json(Map.of("deleted", g.groupId(), "jobsDeleted", owned.size()));
  }

  private void designate(Context ctx) {
    JobDefinition job = job(ctx);
    DesignateBody b = ctx.bodyAsClass(DesignateBody.class);
    String type = b.type() == null ? "workers" : b.type();
    Designation designation = switch (type) {
      case "none" -> Designation.NONE;
      case "workers" -> new Designation(Designation.WORKERS, b.transferable() == null || b.transferable(), orEmpty(b.targets()));
      case "labels" -> new Designation(Designation.LABELS, b.transferable() == null || b.transferable(), orEmpty(b.targets()));
      default -> throw new IllegalArgumentException("type \"" + type + "\": expected workers, labels or none");
    };
    jobs.setDesignation(job.id(), designation);
    audit.record(AuditTrail.REST, operator(ctx), job.groupId(), "designate", "job", job.id(), job.designation(), designation);
    log.info("job {} ({}) designated: {} by {}", job.id(), job.name(), designation, operator(ctx));
    ctx.json(designation);
  }

  private void rerun(Context ctx) {
    JobDefinition job = job(ctx);
    RerunBody b = ctx.bodyAsClass(RerunBody.class);
    List<JobInstance> runs = backfill.run(job, instant(b.from(), "from"), instant(b.to(), "to"),
        b.parameters() == null ? "" : b.parameters());
    audit.record(AuditTrail.REST, operator(ctx), job.groupId(), "rerun", "job", job.id(), null,
        Map.of("from", b.from(), "to", b.to(), "runs", runs.size()));
    ctx.json(Map.of("instanceIds", runs.stream().map(JobInstance::id).toList()));
  }

  private static Instant instant(String text, String field) {
    String t = required(text, field).strip();
    try {
      return t.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(t)) : Instant.parse(t);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new IllegalArgumentException(field + " \"" + t + "\": expected an ISO-8601 instant (2026-12-01T00:00:00Z)"
          + " or epoch milliseconds");
    }
  }

  private static Map<String, Object> view(AppGroup g, boolean withKey) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("appGroupId", g.id());
    v.put("groupId", g.groupId());
    v.put("namespace", g.namespace());
    v.put("appName", g.appName());
    if (withKey) {
      v.put("appKey", g.appKey());
    }
    v.put("description", g.description());
    v.put("maxJobs", g.maxJobs());
    v.put("maxConcurrency", g.maxConcurrency());
    v.put("monitorConfig", g.monitorConfig());
    v.put("contact", g.contact());
    return v;
  }

  private static String required(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value;
  }

  private static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  private static List<String> orEmpty(List<String> list) {
    return list == null ? List.of() : list;
  }
}
