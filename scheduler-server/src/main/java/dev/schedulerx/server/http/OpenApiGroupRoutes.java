package dev.schedulerx.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.server.audit.AuditTrail;
import dev.schedulerx.server.group.AppGroups;
import dev.schedulerx.server.http.OpenApiEndpoint.Caller;
import dev.schedulerx.server.http.OpenApiEndpoint.Refusal;
import dev.schedulerx.server.registry.WorkerInfo;
import dev.schedulerx.server.registry.WorkerRegistry;
import dev.schedulerx.server.store.AppGroup;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobRepository;
import dev.schedulerx.server.store.Namespace;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * App groups and namespaces as data ({@code group/*}, {@code namespace/*}), the group's workers, and the read-only
 * {@code overview/read} and {@code operation/list}. Creating groups and namespaces needs the server's api-token as
 * the signing key when one is set (the group does not exist yet to sign with); a group's own key manages that group.
 */
final class OpenApiGroupRoutes {
  private static final Logger log = LoggerFactory.getLogger(OpenApiGroupRoutes.class);
  /** Metrics' fields in the client's class, copied from a worker's heartbeat metrics when present. */
  private static final Set<String> METRICS = Set.of("cpuLoad1", "cpuLoad5", "cpuProcessors", "heap1Usage", "heap5Usage",
      "heap1Used", "heapMax", "diskUsage", "diskUsed", "diskMax", "sharePoolQueueSize", "sharePoolAvailableSize",
      "execCount");

  private final AppGroups groups;
  private final JobRepository jobs;
  private final InstanceRepository instances;
  private final WorkerRegistry registry;
  private final AuditTrail audit;
  private final OpenApiViews views;
  private final SecureRandom random = new SecureRandom();

  OpenApiGroupRoutes(AppGroups groups, JobRepository jobs, InstanceRepository instances, WorkerRegistry registry,
      AuditTrail audit, OpenApiViews views) {
    this.groups = groups;
    this.jobs = jobs;
    this.instances = instances;
    this.registry = registry;
    this.audit = audit;
    this.views = views;
  }

  void register(OpenApiEndpoint api) {
    api.postManagement("/group/create", this::createGroup);
    api.postManagement("/group/list", this::listGroups);
    api.post("/group/get", (c, p) -> groupView(c.group()));
    api.post("/group/update", this::updateGroup);
    api.post("/group/delete", this::deleteGroup);
    api.post("/group/getWorkerList", (c, p) -> Map.of("workers", registry.workers(c.groupId()).stream().map(this::workerView).toList()));
    api.postManagement("/namespace/create", this::createNamespace);
    api.postManagement("/namespace/list", this::listNamespaces);
    api.postManagement("/namespace/delete", this::deleteNamespace);
    api.post("/overview/read", (c, p) -> Map.of("data", overview(c.groupId())));
    api.post("/operation/list", this::operations);
  }

  private static void requireAdmin(Caller caller, String what) {
    if (!caller.admin()) {
      throw new Refusal(403, what + " needs the server's api-token as signing key (app key)");
    }
  }

  /** The namespace a call names: the header the client sets, else its namespace parameter, else "default". */
  private static String namespaceOf(OpenApiParams p) {
    String ns = p.nonBlank("namespace");
    return ns == null ? "default" : ns;
  }

  // ---- groups ----

  private Object createGroup(Caller caller, OpenApiParams p) {
    requireAdmin(caller, "creating a group");
    String groupId = p.nonBlank("groupId") != null ? p.nonBlank("groupId") : caller.groupId();
    if (groupId == null || groupId.isBlank()) {
      throw new Refusal(400, "groupId is required");
    }
    if (!groupId.matches("[A-Za-z0-9_.-]{1,128}")) {
      throw new Refusal(400, "groupId \"" + groupId + "\": use 1-128 letters, digits, '_', '-' or '.'");
    }
    String namespace = namespaceOf(p);
    if (groups.namespace(namespace).isEmpty()) {
      throw new Refusal(400, "namespace " + namespace + " does not exist: create it first (namespace/create)");
    }
    String appKey = p.nonBlank("appKey") != null ? p.nonBlank("appKey") : HexFormat.of().formatHex(randomBytes());
    AppGroup group = new AppGroup(0, groupId, namespace, p.text("appName", groupId), appKey, p.text("description", ""),
        p.intOr("maxJobs", AppGroup.DEFAULT_MAX_JOBS), p.intOr("maxConcurrency", AppGroup.DEFAULT_MAX_CONCURRENCY),
        monitorConfig(p, ""), contacts(p, ""), jsonText(p, "alarmJson", ""), jsonText(p, "metricsThresholdJson", ""));
    AppGroup stored = groups.create(group);
    audit.record(AuditTrail.OPENAPI, caller.user(), groupId, "create", "group", groupId, null, withoutKey(stored));
    log.info("OpenAPI: app group {} created in namespace {} by {}", groupId, namespace, caller.user());
    return Map.of("appGroupId", stored.id(), "appKey", stored.appKey());
  }

  private Object updateGroup(Caller caller, OpenApiParams p) {
    AppGroup g = caller.group();
    AppGroup changed = new AppGroup(g.id(), g.groupId(), g.namespace(), p.text("appName", g.appName()),
        p.nonBlank("appKey") != null ? p.nonBlank("appKey") : g.appKey(), p.text("description", g.description()),
        p.intOr("maxJobs", g.maxJobs()), p.intOr("maxConcurrency", g.maxConcurrency()),
        monitorConfig(p, g.monitorConfig()), contacts(p, g.contact()), jsonText(p, "alarmJson", g.alarmJson()),
        jsonText(p, "metricsThresholdJson", g.metricsThresholdJson()));
    groups.update(changed);
    audit.record(AuditTrail.OPENAPI, caller.user(), g.groupId(), "update", "group", g.groupId(), withoutKey(g),
        withoutKey(changed));
    log.info("OpenAPI: app group {} updated by {}{}", g.groupId(), caller.user(),
        changed.appKey().equals(g.appKey()) ? "" : " (app key rotated)");
    return Map.of("appGroupId", g.id());
  }

  private Object deleteGroup(Caller caller, OpenApiParams p) {
    AppGroup g = caller.group();
    List<JobDefinition> owned = jobs.findAll().stream().filter(j -> j.groupId().equals(g.groupId())).toList();
    Boolean deleteJobs = p.optionalBoolean("deleteJobs");
    if (!owned.isEmpty() && (deleteJobs == null || !deleteJobs)) {
      throw new Refusal(400, "group " + g.groupId() + " has " + owned.size() + " jobs: delete them first or send"
          + " deleteJobs=true");
    }
    owned.forEach(j -> jobs.delete(j.id()));
    groups.delete(g.groupId());
    audit.record(AuditTrail.OPENAPI, caller.user(), g.groupId(), "delete", "group", g.groupId(), withoutKey(g), null);
    log.info("OpenAPI: app group {} deleted with its {} jobs by {}", g.groupId(), owned.size(), caller.user());
    return Map.of();
  }

  /** GetAppGroupResponse: nested settings as JSON text, as the client's String fields want them. */
  private Map<String, Object> groupView(AppGroup g) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("appGroupId", g.id());
    v.put("groupId", g.groupId());
    v.put("appName", g.appName());
    v.put("appKey", g.appKey());
    v.put("description", g.description());
    v.put("maxJobs", g.maxJobs());
    v.put("maxConcurrency", g.maxConcurrency());
    v.put("monitorConfigJson", g.monitorConfig());
    v.put("alarmJson", g.alarmJson());
    v.put("metricsThresholdJson", g.metricsThresholdJson());
    v.put("xattrs", g.contact().isEmpty() ? "" : "{\"contact\":" + g.contact() + "}");
    v.put("curJobs", jobs.findAll().stream().filter(j -> j.groupId().equals(g.groupId())).count());
    Map<InstanceState, Long> counts = instances.countByState(g.groupId());
    v.put("runningInstanceNum", counts.getOrDefault(InstanceState.RUNNING, 0L));
    v.put("readyInstanceNum", counts.getOrDefault(InstanceState.WAITING, 0L) + counts.getOrDefault(InstanceState.READY, 0L));
    return v;
  }

  /** AppGroupInfos of the caller's namespace (every group for an admin), app keys only of the caller's own group. */
  private Object listGroups(Caller caller, OpenApiParams p) {
    String name = p.nonBlank("appGroupName");
    String namespace = caller.admin() ? p.nonBlank("namespace") : caller.group().namespace();
    List<Map<String, Object>> infos = groups.all().stream()
        .filter(g -> namespace == null || g.namespace().equals(namespace))
        .filter(g -> name == null || g.appName().contains(name) || g.groupId().contains(name))
        .map(g -> {
          Map<String, Object> v = new LinkedHashMap<>();
          v.put("appGroupId", g.id());
          v.put("appName", g.appName());
          v.put("groupId", g.groupId());
          if (caller.admin() || g.groupId().equals(caller.groupId())) {
            v.put("appKey", g.appKey());
          }
          v.put("description", g.description());
          return v;
        })
        .toList();
    return Map.of("appGroupInfos", infos);
  }

  // ---- namespaces ----

  private Object createNamespace(Caller caller, OpenApiParams p) {
    requireAdmin(caller, "creating a namespace");
    String uid = p.nonBlank("uid") != null ? p.nonBlank("uid") : java.util.UUID.randomUUID().toString();
    String name = p.nonBlank("name");
    if (name == null) {
      throw new Refusal(400, "name is required");
    }
    Namespace ns = new Namespace(uid, name, p.text("description", ""), p.text("source", ""));
    groups.createNamespace(ns);
    audit.record(AuditTrail.OPENAPI, caller.user(), null, "create", "namespace", uid, null, ns);
    log.info("OpenAPI: namespace {} ({}) created by {}", uid, name, caller.user());
    return Map.of("namespaceUid", uid);
  }

  private Object listNamespaces(Caller caller, OpenApiParams p) {
    String name = p.nonBlank("namespaceName");
    List<Map<String, Object>> infos = groups.namespaces().stream()
        .filter(ns -> caller.admin() || ns.uid().equals(caller.group().namespace()))
        .filter(ns -> name == null || ns.name().contains(name))
        .map(ns -> Map.<String, Object>of("uId", ns.uid(), "name", ns.name(), "description", ns.description()))
        .toList();
    return Map.of("namespaceInfos", infos);
  }

  private Object deleteNamespace(Caller caller, OpenApiParams p) {
    requireAdmin(caller, "deleting a namespace");
    String uid = namespaceOf(p);
    Namespace ns = groups.namespace(uid).orElseThrow(() -> new Refusal(404, "no namespace " + uid));
    groups.deleteNamespace(uid);
    audit.record(AuditTrail.OPENAPI, caller.user(), null, "delete", "namespace", uid, ns, null);
    log.info("OpenAPI: namespace {} deleted by {}", uid, caller.user());
    return Map.of();
  }

  // ---- workers, overview, audit ----

  private Map<String, Object> workerView(WorkerInfo w) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("ip", w.address().host());
    v.put("port", w.address().port());
    v.put("workerId", w.workerId());
    v.put("workerAddr", w.address().hostPort());
    v.put("version", w.version());
    v.put("starter", w.starter());
    v.put("label", w.label());
    v.put("busyStatus", "FREE");
    Map<String, Object> metrics = new LinkedHashMap<>();
    if (w.metricsJson() != null && !w.metricsJson().isBlank()) {
      try {
        views.json().readTree(w.metricsJson()).fields().forEachRemaining(f -> {
          if (METRICS.contains(f.getKey()) && f.getValue().isNumber()) {
            metrics.put(f.getKey(), f.getValue().numberValue());
          }
        });
      } catch (Exception e) {
        // a worker's unreadable metrics leave the object empty
      }
    }
    v.put("metrics", metrics);
    return v;
  }

  private Map<String, Object> overview(String groupId) {
    List<JobDefinition> owned = jobs.findAll().stream().filter(j -> j.groupId().equals(groupId)).toList();
    Map<String, Object> byState = new LinkedHashMap<>();
    instances.countByState(groupId).forEach((state, n) -> byState.put(state.name().toLowerCase(java.util.Locale.ROOT), n));
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("groupId", groupId);
    v.put("jobs", owned.size());
    v.put("enabledJobs", owned.stream().filter(JobDefinition::enabled).count());
    v.put("instances", byState);
    v.put("workers", registry.workers(groupId).size());
    return v;
  }

  /** GetUserOperationListResponse: the caller's group's audit trail, newest first. */
  private Object operations(Caller caller, OpenApiParams p) {
    int pageNum = p.intOr("pageNum", 1);
    int pageSize = p.intOr("pageSize", 10);
    if (pageNum < 1 || pageSize < 1 || pageSize > 1000) {
      throw new Refusal(400, "pageNum must be at least 1 and pageSize between 1 and 1000");
    }
    String type = p.nonBlank("objectType");
    String id = p.nonBlank("objectId");
    List<Map<String, Object>> records = audit.find(caller.groupId(), type, id, (pageNum - 1) * pageSize, pageSize)
        .stream()
        .map(op -> {
          Map<String, Object> v = new LinkedHashMap<>();
          v.put("id", op.id());
          v.put("operateTime", views.humanDate(op.time()));
          v.put("operator", op.operator());
          v.put("operateType", op.operateType());
          v.put("objectType", op.objectType());
          v.put("objectId", op.objectId());
          v.put("objectOld", op.objectOld());
          v.put("objectLatest", op.objectLatest());
          v.put("ext", op.source());
          return v;
        })
        .toList();
    return Map.of("total", audit.count(caller.groupId(), type, id), "records", records);
  }

  // ---- parameters ----

  private String monitorConfig(OpenApiParams p, String fallback) {
    if (!p.has("monitorConfig")) {
      return fallback;
    }
    JsonNode m = p.jsonObject("monitorConfig");
    return m == null ? "" : views.checkedObject("monitorConfig", m, OpenApiViews.MONITOR_CONFIG);
  }

  private String contacts(OpenApiParams p, String fallback) {
    if (!p.has("contact")) {
      return fallback;
    }
    JsonNode c = p.jsonArray("contact");
    return c == null ? "" : views.checkedArray("contact", c, OpenApiViews.CONTACT);
  }

  private static String jsonText(OpenApiParams p, String name, String fallback) {
    if (!p.has(name)) {
      return fallback;
    }
    JsonNode node = p.jsonObject(name);
    return node == null ? "" : node.toString();
  }

  private static Map<String, Object> withoutKey(AppGroup g) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("groupId", g.groupId());
    v.put("namespace", g.namespace());
    v.put("appName", g.appName());
    v.put("description", g.description());
    v.put("maxJobs", g.maxJobs());
    v.put("maxConcurrency", g.maxConcurrency());
    v.put("monitorConfig", g.monitorConfig());
    v.put("contact", g.contact());
    return v;
  }

  private byte[] randomBytes() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return bytes;
  }
}
