package dev.schedulerx.server.http;

import dev.schedulerx.server.group.AppGroups;
import dev.schedulerx.server.http.OpenApiEndpoint.Caller;
import dev.schedulerx.server.http.OpenApiEndpoint.Refusal;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.JobRepository;
import dev.schedulerx.server.workflow.Dag;
import dev.schedulerx.server.workflow.WfInstance;
import dev.schedulerx.server.workflow.WfNode;
import dev.schedulerx.server.workflow.Workflow;
import dev.schedulerx.server.workflow.WorkflowEngine;
import dev.schedulerx.server.workflow.WorkflowStateException;
import dev.schedulerx.server.workflow.Workflows;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The 18 {@code workflow/*} and {@code wfInstance/*} operations of the SchedulerX OpenAPI (OPENAPI.md §2, §2.2) over
 * {@link Workflows}. Answers use the official classes' field names (WorkFlowInfo, WorkFlowNodeInfo, WfInstanceInfo,
 * WfInstanceDag, WfInstanceDetail); Date fields are ISO-8601 with offset, {@code *Date} fields human-readable. In an
 * instance DAG a node that has not started has instance id 0; every edge also names its job ids in {@code from}/{@code
 * to}. A caller sees only the workflows of its own group.
 */
final class OpenApiWorkflowRoutes {
  private final Workflows workflows;
  private final JobRepository jobs;
  private final InstanceRepository instances;
  private final AppGroups groups;
  private OpenApiViews views;

  OpenApiWorkflowRoutes(Workflows workflows, JobRepository jobs, InstanceRepository instances, AppGroups groups) {
    this.workflows = workflows;
    this.jobs = jobs;
    this.instances = instances;
    this.groups = groups;
  }

  void register(OpenApiEndpoint api) {
    views = new OpenApiViews(api.json(), ZoneId.systemDefault());
    api.post("/workflow/create", this::create);
    api.post("/workflow/update", (c, p) -> guarded(() -> {
      Workflow w = workflow(c, p);
      Integer timeType = p.optionalInt("timeType");
      workflows.update(w.id(), new Workflows.Spec(null, p.nonBlank("name"), p.nonBlank("description"), timeType,
          p.nonBlank("timeExpression"), p.nonBlank("timezone"), p.optionalInt("maxConcurrency"), null, null, null));
      return Map.of();
    }));
    api.post("/workflow/updateDag", (c, p) -> guarded(() -> {
      Workflow w = workflow(c, p);
      String dag = p.raw("dagJson");
      if (dag == null) {
        throw new Refusal(400, "dagJson is required, e.g. {\"nodes\":[{\"id\":1},{\"id\":2}],\"edges\":[{\"source\":1,\"target\":2}]}");
      }
      workflows.updateDag(w.id(), dag);
      return Map.of();
    }));
    api.post("/workflow/get", (c, p) -> {
      Workflow w = workflow(c, p);
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("workFlowInfo", workFlowInfo(w));
      data.put("workFlowNodeInfo", workFlowNodeInfo(w));
      return data;
    });
    api.post("/workflow/enable", (c, p) -> {
      workflows.setEnabled(workflow(c, p).id(), true);
      return Map.of();
    });
    api.post("/workflow/disable", (c, p) -> {
      workflows.setEnabled(workflow(c, p).id(), false);
      return Map.of();
    });
    api.post("/workflow/delete", (c, p) -> guarded(() -> {
      workflows.delete(workflow(c, p).id());
      return Map.of();
    }));
    api.post("/workflow/execute", (c, p) -> guarded(() -> {
      WfInstance run = workflows.execute(workflow(c, p).id(), p.text("instanceParameters", ""));
      if (run.state() == InstanceState.SKIPPED) {
        throw new Refusal(409, "workflow instance " + run.id() + " " + run.reason());
      }
      return Map.of("wfInstanceId", run.id());
    }));
    api.post("/workflow/getInstanceDetail", (c, p) -> {
      Workflow w = workflow(c, p);
      Workflows.RunView view = run(w, p);
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("wfInstanceInfo", wfInstanceInfo(w, view.run()));
      detail.put("jobInstanceDetails", nodeDetails(view));
      List<Map<String, Object>> configs = new ArrayList<>();
      for (long jobId : view.run().dag().nodes()) {
        jobs.findById(jobId).ifPresent(j -> configs.add(jobConfigInfo(j, w)));
      }
      detail.put("jobConfigInfos", configs);
      detail.put("edges", edges(view));
      return Map.of("wfInstanceDetail", detail);
    });
    api.post("/wfInstance/get", (c, p) -> {
      Workflow w = workflow(c, p);
      Workflows.RunView view = run(w, p);
      WfInstance r = view.run();
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("status", r.state().value());
      data.put("scheduleTime", views.date(r.scheduleTime()));
      data.put("dataTime", views.date(r.scheduleTime()));
      data.put("startTime", views.date(r.createdAt()));
      data.put("endTime", views.date(r.finishedAt()));
      data.put("wfInstanceInfo", wfInstanceInfo(w, r));
      data.put("wfInstanceDag", Map.of("nodes", nodeDetails(view), "edges", edges(view)));
      return data;
    });
    api.post("/wfInstance/list", (c, p) -> {
      Workflow w = workflow(c, p);
      List<Map<String, Object>> list = new ArrayList<>();
      for (WfInstance r : workflows.runs(w.id(), Math.max(1, Math.min(p.intOr("pageSize", 100), 1000)))) {
        list.add(wfInstanceInfo(w, r));
      }
      return Map.of("wfInstanceInfos", list);
    });
    api.post("/wfInstance/retry", (c, p) -> act(c, p, (w, r) -> workflows.retry(r)));
    api.post("/wfInstance/stop", (c, p) -> act(c, p, (w, r) -> workflows.stop(r)));
    api.post("/wfInstance/suspend", (c, p) -> act(c, p, (w, r) -> workflows.suspend(r)));
    api.post("/wfInstance/cancelSuspend", (c, p) -> act(c, p, (w, r) -> workflows.resume(r)));
    api.post("/wfInstance/skip", (c, p) -> act(c, p, (w, r) -> workflows.skip(r, p.requiredLong("jobInstanceId"))));
    api.post("/wfInstance/cancelSkip", (c, p) -> act(c, p, (w, r) -> workflows.cancelSkip(r, p.requiredLong("jobInstanceId"))));
    api.post("/wfInstance/setSuccess", (c, p) -> act(c, p, (w, r) -> workflows.setSuccess(r, p.optionalLong("id"))));
  }

  private Object create(Caller c, OpenApiParams p) throws Exception {
    return guarded(() -> {
      Integer status = p.optionalInt("status");
      Workflow w = workflows.create(new Workflows.Spec(c.groupId(), p.nonBlank("name"),
          Optional.ofNullable(p.nonBlank("desc")).orElse(p.nonBlank("description")), p.optionalInt("timeType"),
          p.nonBlank("timeExpression"), p.nonBlank("timezone"), p.optionalInt("maxConcurrency"), null, null,
          status == null ? null : status == 1));
      return Map.of("workflowId", w.id());
    });
  }

  private interface RunAction {
    WfInstance apply(Workflow w, long runId);
  }

  private Object act(Caller c, OpenApiParams p, RunAction action) throws Exception {
    return guarded(() -> {
      Workflow w = workflow(c, p);
      WfInstance run = run(w, p).run();
      action.apply(w, run.id());
      return Map.of();
    });
  }

  private interface Body {
    Object run() throws Exception;
  }

  /** Maps the engine's refusals onto the envelope: unknown ids 404, a state that forbids the action 409. */
  private static Object guarded(Body body) throws Exception {
    try {
      return body.run();
    } catch (WorkflowEngine.NoSuchElementException e) {
      throw new Refusal(404, e.getMessage());
    } catch (WorkflowStateException e) {
      throw new Refusal(409, e.getMessage());
    }
  }

  /** The workflow of {@code workflowId}, if it belongs to the caller's group. */
  private Workflow workflow(Caller c, OpenApiParams p) {
    long id = p.requiredLong("workflowId");
    return workflows.find(id).filter(w -> w.groupId().equals(c.groupId()))
        .orElseThrow(() -> new Refusal(404, "no workflow " + id + " in group " + c.groupId()));
  }

  private Workflows.RunView run(Workflow w, OpenApiParams p) {
    long id = p.requiredLong("wfInstanceId");
    try {
      Workflows.RunView view = workflows.run(id);
      if (view.run().workflowId() != w.id()) {
        throw new Refusal(404, "no workflow instance " + id + " of workflow " + w.id());
      }
      return view;
    } catch (WorkflowEngine.NoSuchElementException e) {
      throw new Refusal(404, e.getMessage());
    }
  }

  private Map<String, Object> workFlowInfo(Workflow w) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("groupId", w.groupId());
    v.put("workflowId", w.id());
    v.put("gmt_create", views.date(w.createdAt()));
    v.put("gmt_modified", views.date(w.updatedAt()));
    v.put("appGroupId", groups.appGroupId(w.groupId()));
    v.put("status", w.enabled() ? "1" : "0");
    v.put("statusInteger", w.enabled() ? 1 : 0);
    v.put("timeType", w.timeType() == Workflow.CRON ? "cron" : "api");
    v.put("timeTypeInteger", w.timeType());
    v.put("name", w.name());
    v.put("description", w.description());
    v.put("timeExpression", w.timeExpression());
    v.put("maxConcurrency", w.maxConcurrency());
    return v;
  }

  private Map<String, Object> workFlowNodeInfo(Workflow w) {
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (long jobId : w.dag().nodes()) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("id", jobId);
      n.put("jobId", jobId);
      Dag.Condition condition = w.dag().conditions().get(jobId);
      if (condition != null) { // beyond SchedulerX: the node's own JSON as its content
        n.put("label", condition.name());
        n.put("jobName", condition.name());
        n.put("jobType", "condition");
        n.put("content", w.dag().nodeJson(jobId));
      }
      Optional<JobDefinition> job = jobs.findById(jobId);
      job.ifPresent(j -> {
        n.put("label", j.name());
        n.put("jobName", j.name());
        n.put("groupId", j.groupId());
        n.put("description", j.description());
        n.put("jobType", j.jobType());
      });
      nodes.add(n);
    }
    List<Map<String, Object>> edges = new ArrayList<>();
    for (Dag.Edge e : w.dag().edges()) {
      edges.add(Map.of("source", e.source(), "target", e.target()));
    }
    return Map.of("nodes", nodes, "edges", edges);
  }

  private Map<String, Object> wfInstanceInfo(Workflow w, WfInstance r) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("instanceId", r.id());
    v.put("workflowId", r.workflowId());
    v.put("triggerType", "SCHEDULE".equals(r.triggerType()) ? 1 : 3);
    v.put("timeType", w.timeType());
    v.put("status", r.state().value());
    v.put("scheduleTime", views.date(r.scheduleTime()));
    v.put("dataTime", views.date(r.scheduleTime()));
    v.put("startTime", views.date(r.createdAt()));
    v.put("endTime", views.date(r.finishedAt()));
    v.put("scheduleDate", views.humanDate(r.scheduleTime()));
    v.put("dataDate", views.humanDate(r.scheduleTime()));
    v.put("startDate", views.humanDate(r.createdAt()));
    v.put("endDate", views.humanDate(r.finishedAt()));
    return v;
  }

  /** The run's nodes as JobInstanceDetail; status is the node's (e.g. 12 for a skipped node, which has no instance). */
  private List<Map<String, Object>> nodeDetails(Workflows.RunView view) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (WfNode n : view.nodes()) {
      Optional<JobInstance> instance = n.jobInstanceId() == null ? Optional.empty() : instances.findById(n.jobInstanceId());
      Map<String, Object> d;
      if (instance.isPresent()) {
        d = views.jobInstanceDetail(jobs.findById(n.jobId()).orElse(null), instance.get());
      } else {
        d = new LinkedHashMap<>();
        d.put("instanceId", 0L);
        d.put("jobId", n.jobId());
        d.put("jobName", n.jobName());
        d.put("attempt", 0);
        d.put("triggerType", "SCHEDULE".equals(view.run().triggerType()) ? 1 : 3);
      }
      d.put("status", n.state().value());
      if (n.result() != null) {
        d.put("result", n.result());
      }
      list.add(d);
    }
    return list;
  }

  /** Edges between job instance ids (0 for a node not started), with the job ids in from/to. */
  private static List<Map<String, Object>> edges(Workflows.RunView view) {
    Map<Long, Long> instanceOf = new HashMap<>();
    view.nodes().forEach(n -> instanceOf.put(n.jobId(), n.jobInstanceId() == null ? 0L : n.jobInstanceId()));
    List<Map<String, Object>> edges = new ArrayList<>();
    for (Dag.Edge e : view.run().dag().edges()) {
      Map<String, Object> edge = new LinkedHashMap<>();
      edge.put("source", instanceOf.getOrDefault(e.source(), 0L));
      edge.put("target", instanceOf.getOrDefault(e.target(), 0L));
      edge.put("from", Long.toString(e.source()));
      edge.put("to", Long.toString(e.target()));
      edges.add(edge);
    }
    return edges;
  }

  private Map<String, Object> jobConfigInfo(JobDefinition j, Workflow w) {
    Map<String, Object> v = views.jobConfigInfo(j);
    v.put("workflowId", w.id());
    v.put("workflowIds", Long.toString(w.id()));
    return v;
  }
}
