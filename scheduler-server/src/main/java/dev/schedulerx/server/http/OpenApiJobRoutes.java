package dev.schedulerx.server.http;

import dev.schedulerx.server.audit.AuditTrail;
import dev.schedulerx.server.dispatch.Backfill;
import dev.schedulerx.server.dispatch.DesignatedWorkers;
import dev.schedulerx.server.dispatch.InstanceLifecycle;
import dev.schedulerx.server.http.OpenApiEndpoint.Caller;
import dev.schedulerx.server.http.OpenApiEndpoint.Refusal;
import dev.schedulerx.server.registry.WorkerInfo;
import dev.schedulerx.server.registry.WorkerRegistry;
import dev.schedulerx.server.store.Designation;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.JobRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code job/*} operations of the SchedulerX OpenAPI (OPENAPI.md §2): create, update, get, list, enable,
 * disable, delete (single and batch), updateParameter, execute, rerun (back-fill), designateWorkers and
 * getDesignateInfo. Every change is recorded in the audit trail.
 */
final class OpenApiJobRoutes {
  private static final Logger log = LoggerFactory.getLogger(OpenApiJobRoutes.class);
  /** How long execute may wait for a worker to take the run: the client gives up after 5 s. */
  static final Duration EXECUTE_WAIT = Duration.ofSeconds(3);

  private final JobRepository jobs;
  private final InstanceLifecycle lifecycle;
  private final WorkerRegistry registry;
  private final AuditTrail audit;
  private final OpenApiViews views;
  private final Backfill backfill;

  OpenApiJobRoutes(JobRepository jobs, InstanceLifecycle lifecycle, WorkerRegistry registry, AuditTrail audit,
      OpenApiViews views, Backfill backfill) {
    this.jobs = jobs;
    this.lifecycle = lifecycle;
    this.registry = registry;
    this.audit = audit;
    this.views = views;
    this.backfill = backfill;
  }

  void register(OpenApiEndpoint api) {
    api.post("/job/create", this::create);
    api.post("/job/update", this::update);
    api.post("/job/get", (c, p) -> Map.of("jobConfigInfo", views.jobConfigInfo(jobByIdOrName(c, p))));
    api.post("/job/list", this::list);
    api.post("/job/delete", (c, p) -> change(c, job(c, p), "delete", j -> jobs.delete(j.id())));
    api.post("/job/enable", (c, p) -> change(c, job(c, p), "enable", j -> jobs.setEnabled(j.id(), true)));
    api.post("/job/disable", (c, p) -> change(c, job(c, p), "disable", j -> jobs.setEnabled(j.id(), false)));
    api.post("/job/batchEnable", (c, p) -> batch(c, p, "enable", j -> jobs.setEnabled(j.id(), true)));
    api.post("/job/batchDisable", (c, p) -> batch(c, p, "disable", j -> jobs.setEnabled(j.id(), false)));
    api.post("/job/batchDelete", (c, p) -> batch(c, p, "delete", j -> jobs.delete(j.id())));
    api.post("/job/updateParameter", this::updateParameter);
    api.post("/job/execute", this::execute);
    api.post("/job/rerun", this::rerun);
    api.post("/job/designateWorkers", this::designate);
    api.post("/job/getDesignateInfo", this::designateInfo);
  }

  // ---- lookups ----

  /** The caller's job named by {@code jobId}; another group's job is as unknown as a missing one. */
  JobDefinition job(Caller caller, OpenApiParams p) {
    return job(caller, p.requiredLong("jobId"));
  }

  JobDefinition job(Caller caller, long id) {
    return jobs.findById(id)
        .filter(j -> j.groupId().equals(caller.groupId()))
        .orElseThrow(() -> new Refusal(404, "no job " + id + " in group " + caller.groupId()));
  }

  /** job/get names the job by {@code jobId} or, when that is absent or 0, by {@code jobName}. */
  private JobDefinition jobByIdOrName(Caller caller, OpenApiParams p) {
    Long id = p.optionalLong("jobId");
    String name = p.nonBlank("jobName");
    if ((id == null || id == 0) && name != null) {
      return jobs.findByName(caller.groupId(), name)
          .orElseThrow(() -> new Refusal(404, "no job named " + name + " in group " + caller.groupId()));
    }
    return job(caller, p);
  }

  // ---- create / update ----

  private Object create(Caller caller, OpenApiParams p) {
    JobDefinition definition = JobDefinition.of(JobParams.spec(caller.groupId(), null, p, views));
    if (jobs.findByName(definition.groupId(), definition.name()).isPresent()) {
      throw new Refusal(400, "job " + definition.name() + " already exists in group " + definition.groupId());
    }
    JobDefinition stored = jobs.upsert(definition);
    audit.record(AuditTrail.OPENAPI, caller.user(), caller.groupId(), "create", "job", stored.id(), null,
        views.jobConfigInfo(stored));
    log.info("OpenAPI: job {} ({}, {}) created in group {} by {}", stored.id(), stored.name(), stored.jobType(),
        stored.groupId(), caller.user());
    return Map.of("jobId", stored.id());
  }

  private Object update(Caller caller, OpenApiParams p) {
    JobDefinition existing = job(caller, p);
    JobDefinition changed = JobDefinition.of(JobParams.spec(caller.groupId(), existing, p, views)).withId(existing.id());
    if (!jobs.update(changed)) {
      throw new Refusal(404, "no job " + existing.id() + " in group " + caller.groupId());
    }
    JobDefinition stored = jobs.findById(existing.id()).orElse(changed);
    audit.record(AuditTrail.OPENAPI, caller.user(), caller.groupId(), "update", "job", existing.id(),
        views.jobConfigInfo(existing), views.jobConfigInfo(stored));
    log.info("OpenAPI: job {} ({}) updated by {}", changed.id(), changed.name(), caller.user());
    return Map.of("jobId", existing.id());
  }

  private Object updateParameter(Caller caller, OpenApiParams p) {
    JobDefinition existing = job(caller, p);
    String parameters = p.text("parameter", p.text("parameters", ""));
    JobDefinition changed = existing.withParameters(parameters);
    jobs.update(changed);
    audit.record(AuditTrail.OPENAPI, caller.user(), caller.groupId(), "update", "job", existing.id(),
        Map.of("parameters", existing.parameters()), Map.of("parameters", changed.parameters()));
    log.info("OpenAPI: parameters of job {} ({}) changed by {}", existing.id(), existing.name(), caller.user());
    return Map.of("jobId", existing.id());
  }

  /** The caller's jobs, filtered as GetJobInfoListRequest asks, paged when it names a page. */
  private Object list(Caller caller, OpenApiParams p) {
    String name = p.nonBlank("jobName");
    String keyword = p.nonBlank("keyword");
    String className = p.nonBlank("className");
    Integer status = p.optionalInt("status");
    List<JobDefinition> listed = jobs.findAll().stream()
        .filter(j -> j.groupId().equals(caller.groupId()))
        .filter(j -> name == null || j.name().equals(name))
        .filter(j -> keyword == null || contains(j.name(), keyword) || contains(j.description(), keyword)
            || contains(j.processor(), keyword))
        .filter(j -> className == null || (j.isJava() && j.processor().equals(className)))
        // -1 (the client's default when it sets one) means every status
        .filter(j -> status == null || status < 0 || (j.enabled() ? 1 : 0) == status)
        .toList();
    Integer pageSize = p.optionalInt("pageSize");
    if (pageSize != null) {
      if (pageSize < 1) {
        throw new Refusal(400, "pageSize must be at least 1, got " + pageSize);
      }
      listed = OpenApiViews.page(listed, p.intOr("pageNum", 1), pageSize);
    }
    List<Map<String, Object>> views = listed.stream().map(this.views::jobConfigInfo).toList();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("jobConfigInfos", views);
    return data;
  }

  private static boolean contains(String text, String keyword) {
    return text != null && text.toLowerCase(Locale.ROOT).contains(keyword.toLowerCase(Locale.ROOT));
  }

  // ---- enable, disable, delete ----

  private interface Change {
    void apply(JobDefinition job);
  }

  private Object change(Caller caller, JobDefinition job, String what, Change change) {
    change.apply(job);
    audit.record(AuditTrail.OPENAPI, caller.user(), caller.groupId(), what, "job", job.id(),
        views.jobConfigInfo(job), what.equals("delete") ? null : jobs.findById(job.id()).map(views::jobConfigInfo).orElse(null));
    log.info("OpenAPI: job {} ({}) {}d by {}", job.id(), job.name(), what, caller.user());
    return Map.of();
  }

  /**
   * Applies {@code change} to every listed job after checking all of them belong to the caller: either every
   * job changes or, when one is unknown, none does.
   */
  private Object batch(Caller caller, OpenApiParams p, String what, Change change) {
    List<JobDefinition> listed = p.idList("jobIdJson", "jobIdList").stream().map(id -> job(caller, id)).toList();
    listed.forEach(j -> change(caller, j, what, change));
    return Map.of();
  }

  // ---- runs ----

  private Object execute(Caller caller, OpenApiParams p) {
    JobDefinition job = job(caller, p);
    // ExecuteJobRequest's checkJobStatus defaults to true, and the client sends it only when set.
    Boolean check = p.optionalBoolean("checkJobStatus");
    if ((check == null || check) && !job.enabled()) {
      throw new Refusal(400, "job " + job.id() + " is disabled; enable it or send checkJobStatus=false");
    }
    JobDefinition runAs = oneOffDesignation(p).map(job::withDesignation).orElse(job);
    JobInstance instance = lifecycle.triggerNowPaced(runAs, p.text("instanceParameters", ""), EXECUTE_WAIT);
    audit.record(AuditTrail.OPENAPI, caller.user(), caller.groupId(), "run", "job", job.id(), null,
        Map.of("instanceId", instance.id(), "instanceParameters", instance.instanceParameters()));
    log.info("OpenAPI: instance {} of job {} ({}) triggered by {}", instance.id(), job.id(), job.name(), caller.user());
    return Map.of("jobInstanceId", instance.id());
  }

  /** ExecuteJobRequest's designateType with worker or label: this run only, on those workers. */
  private static java.util.Optional<Designation> oneOffDesignation(OpenApiParams p) {
    Integer type = p.optionalInt("designateType");
    if (type == null || type == Designation.ANY) {
      return java.util.Optional.empty();
    }
    String target = type == Designation.WORKERS ? p.nonBlank("worker") : p.nonBlank("label");
    if (target == null) {
      throw new Refusal(400, type == Designation.WORKERS ? "designateType 1 needs worker (host:port)"
          : "designateType 2 needs label");
    }
    return java.util.Optional.of(new Designation(type, false, List.of(target)));
  }

  /** RerunJobRequest: one run per schedule time of the job between startDate and endDate (epoch ms). */
  private Object rerun(Caller caller, OpenApiParams p) {
    JobDefinition job = job(caller, p.requiredLong("id", "jobId"));
    Instant from = Instant.ofEpochMilli(p.requiredLong("startDate"));
    Instant to = Instant.ofEpochMilli(p.requiredLong("endDate"));
    List<JobInstance> runs = backfill.run(job, from, to, p.text("instanceParameters", ""));
    audit.record(AuditTrail.OPENAPI, caller.user(), caller.groupId(), "rerun", "job", job.id(), null,
        Map.of("startDate", from.toString(), "endDate", to.toString(), "runs", runs.size()));
    return Map.of("jobInstanceIds", runs.stream().map(JobInstance::id).toList());
  }

  // ---- designated workers ----

  private Object designate(Caller caller, OpenApiParams p) {
    JobDefinition job = job(caller, p);
    int type = p.intOr("designateType", Designation.WORKERS);
    Boolean transferable = p.optionalBoolean("transferable");
    String raw = type == Designation.LABELS ? p.nonBlank("labels") : p.nonBlank("workers");
    List<String> targets = raw == null ? List.of() : targets(raw);
    Designation designation;
    try {
      designation = type == Designation.ANY ? Designation.NONE
          : new Designation(type, transferable == null || transferable, targets);
    } catch (IllegalArgumentException e) {
      throw new Refusal(400, e.getMessage());
    }
    jobs.setDesignation(job.id(), designation);
    audit.record(AuditTrail.OPENAPI, caller.user(), caller.groupId(), "designate", "job", job.id(),
        job.designation(), designation);
    log.info("OpenAPI: job {} ({}) designated to {} {} (transferable {}) by {}", job.id(), job.name(),
        type == Designation.LABELS ? "labels" : "workers", designation.targets(), designation.transferable(), caller.user());
    return Map.of();
  }

  /** Worker addresses or labels as a JSON array of strings or a comma list. */
  private static List<String> targets(String raw) {
    List<String> targets = new ArrayList<>();
    String list = raw.strip();
    if (list.startsWith("[")) {
      list = list.substring(1, list.endsWith("]") ? list.length() - 1 : list.length());
    }
    for (String part : list.split(",")) {
      String t = part.strip().replace("\"", "");
      if (!t.isEmpty()) {
        targets.add(t);
      }
    }
    return targets;
  }

  /** GetJobDesignateInfoResponse: the designation and, per live worker or label of the group, whether it is chosen. */
  private Object designateInfo(Caller caller, OpenApiParams p) {
    JobDefinition job = job(caller, p);
    Designation d = job.designation();
    List<WorkerInfo> live = registry.workers(job.groupId());
    List<Map<String, Object>> details = new ArrayList<>();
    if (d.type() == Designation.LABELS) {
      java.util.Set<String> labels = new java.util.TreeSet<>(d.targets());
      live.stream().map(WorkerInfo::label).filter(l -> l != null && !l.isBlank()).forEach(labels::add);
      for (String label : labels) {
        long size = live.stream().filter(w -> label.equals(w.label())).count();
        details.add(detail(label, size == 0, (int) size, d.targets().contains(label), null));
      }
    } else {
      for (WorkerInfo w : live) {
        boolean chosen = d.type() == Designation.WORKERS && DesignatedWorkers.matches(d, w);
        details.add(detail(w.address().hostPort(), false, 1, chosen, w));
      }
      for (String target : d.targets()) {
        if (live.stream().noneMatch(w -> DesignatedWorkers.matches(new Designation(Designation.WORKERS, true, List.of(target)), w))) {
          details.add(detail(target, true, 0, true, null)); // designated, not alive now
        }
      }
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("designateType", d.isAny() ? Designation.WORKERS : d.type());
    data.put("transferable", d.transferable());
    data.put("designateDetailVoList", details);
    return data;
  }

  private static Map<String, Object> detail(String key, boolean offline, int size, boolean checked, WorkerInfo worker) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("key", key);
    v.put("offline", offline);
    v.put("size", size);
    v.put("checked", checked);
    if (worker != null) {
      v.put("starter", worker.starter());
      v.put("version", worker.version());
    }
    return v;
  }
}
