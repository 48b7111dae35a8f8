package dev.schedulerx.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.job.MonitorSettings;
import dev.schedulerx.job.schedule.TimeType;
import dev.schedulerx.server.group.AppGroups;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobRepository;
import dev.schedulerx.server.workflow.Dag;
import dev.schedulerx.server.workflow.WfInstance;
import dev.schedulerx.server.workflow.WfNode;
import dev.schedulerx.server.workflow.Workflow;
import dev.schedulerx.server.workflow.WorkflowEngine;
import dev.schedulerx.server.workflow.WorkflowStateException;
import dev.schedulerx.server.workflow.Workflows;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The REST API of workflows ({@code /api/v1/workflows…}, {@code /api/v1/workflow-instances…}): a thin routing table
 * over {@link Workflows}. A workflow is named by its id or by its name (with {@code ?group=} when several groups use
 * it). Also refuses deleting a job that a workflow uses, naming the workflow. A workflow's alert settings ({@code
 * monitorConfig}, {@code contact}) are checked with the job's parser; absent leaves them as they are, an empty text
 * clears them (the group's apply).
 */
public final class WorkflowRoutes {
  private final Workflows workflows;
  private final JobRepository jobs;
  private final ObjectMapper json;

  public WorkflowRoutes(Workflows workflows, JobRepository jobs, ObjectMapper json) {
    this.workflows = workflows;
    this.jobs = jobs;
    this.json = json;
  }

  /** Adds the workflow routes of every front door to {@code http}: this REST API and the SchedulerX OpenAPI's. */
  public static void install(HttpApi http, Workflows workflows, JobRepository jobs, InstanceRepository instances,
      AppGroups groups) {
    http.addRoutes(new WorkflowRoutes(workflows, jobs, new ObjectMapper())::register);
    http.addOpenApiRoutes(new OpenApiWorkflowRoutes(workflows, jobs, instances, groups)::register);
  }

  public void register(Javalin app) {
    app.before("/api/v1/jobs/{name}", ctx -> {
      if (ctx.method() == HandlerType.DELETE) {
        for (JobDefinition job : jobs.findAllNamed(ctx.pathParam("name"))) {
          Optional<Long> owner = workflows.workflowOfJob(job.id());
          if (owner.isPresent()) {
            throw new WorkflowStateException("job " + job.name() + " is a node of workflow " + owner.get()
                + " (" + workflows.get(owner.get()).name() + "); remove it from that workflow's DAG first");
          }
        }
      }
    });
    app.get("/api/v1/workflows", ctx -> ctx.json(workflows.list().stream().map(this::view).toList()));
    app.post("/api/v1/workflows", this::upsert);
    app.get("/api/v1/workflows/{ref}", ctx -> ctx.json(view(workflow(ctx))));
    app.put("/api/v1/workflows/{ref}/dag", ctx -> ctx.json(view(workflows.updateDag(workflow(ctx).id(), dagText(json.readTree(ctx.body()))))));
    app.post("/api/v1/workflows/{ref}/enable", ctx -> ctx.json(view(workflows.setEnabled(workflow(ctx).id(), true))));
    app.post("/api/v1/workflows/{ref}/disable", ctx -> ctx.json(view(workflows.setEnabled(workflow(ctx).id(), false))));
    app.delete("/api/v1/workflows/{ref}", ctx -> {
      Workflow w = workflow(ctx);
      workflows.delete(w.id());
      ctx.json(Map.of("deleted", w.name()));
    });
    app.post("/api/v1/workflows/{ref}/run", ctx -> {
      String params = ctx.body().isBlank() ? "" : json.readTree(ctx.body()).path("parameters").asText("");
      ctx.json(runView(workflows.execute(workflow(ctx).id(), params), null));
    });
    app.get("/api/v1/workflows/{ref}/instances", ctx -> ctx.json(workflows.runs(workflow(ctx).id(),
        Math.min(500, ctx.queryParamAsClass("limit", Integer.class).getOrDefault(20))).stream().map(r -> runView(r, null)).toList()));
    app.get("/api/v1/workflow-instances/{id}", ctx -> ctx.json(detail(runId(ctx))));
    app.post("/api/v1/workflow-instances/{id}/stop", ctx -> act(ctx, workflows.stop(runId(ctx))));
    app.post("/api/v1/workflow-instances/{id}/retry", ctx -> act(ctx, workflows.retry(runId(ctx))));
    app.post("/api/v1/workflow-instances/{id}/suspend", ctx -> act(ctx, workflows.suspend(runId(ctx))));
    app.post("/api/v1/workflow-instances/{id}/resume", ctx -> act(ctx, workflows.resume(runId(ctx))));
    app.post("/api/v1/workflow-instances/{id}/skip", ctx -> act(ctx, workflows.skip(runId(ctx), node(ctx, true))));
    app.post("/api/v1/workflow-instances/{id}/cancel-skip", ctx -> act(ctx, workflows.cancelSkip(runId(ctx), node(ctx, true))));
    app.post("/api/v1/workflow-instances/{id}/set-success", ctx -> {
      Long node = ctx.body().isBlank() || !json.readTree(ctx.body()).hasNonNull("node") ? null : node(ctx, true);
      act(ctx, workflows.setSuccess(runId(ctx), node));
    });
    app.exception(WorkflowEngine.NoSuchElementException.class,
        (e, ctx) -> ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", e.getMessage())));
    app.exception(WorkflowStateException.class,
        (e, ctx) -> ctx.status(HttpStatus.CONFLICT).json(Map.of("error", String.valueOf(e.getMessage()))));
  }

  /** Creates the workflow named in the body, or updates the one of that group and name; sets its DAG when given. */
  private void upsert(Context ctx) throws Exception {
    JsonNode body = json.readTree(ctx.body());
    String group = text(body, "group");
    String name = text(body, "name");
    if (group == null || name == null) {
      throw new IllegalArgumentException("\"group\" and \"name\" are required");
    }
    Workflows.Spec spec = new Workflows.Spec(group, name, text(body, "description"), timeType(body.get("timeType")),
        text(body, "timeExpression"), text(body, "timeZone"),
        body.hasNonNull("maxConcurrency") ? body.get("maxConcurrency").asInt() : null, text(body, "concurrencyPolicy"),
        text(body, "failurePolicy"), body.hasNonNull("enabled") ? body.get("enabled").asBoolean() : null,
        alertText(body, "monitorConfig"), alertText(body, "contact"));
    MonitorSettings.parse(spec.monitorConfig()); // checked as a job's are: a bad one is refused, naming the field
    MonitorSettings.parseContacts(spec.contact());
    Optional<Workflow> existing = workflows.findByName(group, name);
    if (body.hasNonNull("dagByName")) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("dag", dagByName(group, body.get("dagByName")));
    }
    if (body.hasNonNull("dag")) {
      Dag.parse(dagText(body.get("dag"))); // a malformed DAG refuses the whole request before anything is stored
    }
    Workflow w = existing.isPresent() ? workflows.update(existing.get().id(), spec) : workflows.create(spec);
    if (body.hasNonNull("dag")) {
      w = workflows.updateDag(w.id(), dagText(body.get("dag")));
    }
    ctx.json(view(w));
  }

  /**
   * {@code {"nodes":["a"],"edges":[["a","c"]]}} with job names of {@code group} → the DAG JSON by job id. Optional
   * {@code "parameters":{"a":"..."}} (per node, by job name) and {@code "conditions":{"ok":{"when":"any-failed",
   * "then":["c"]}}} (condition nodes by name, used in edges like jobs; {@code expect} and {@code then} name jobs).
   */
  private String dagByName(String group, JsonNode byName) {
    java.util.Map<String, Long> ids = new java.util.LinkedHashMap<>();
    java.util.Map<String, Long> conditionIds = new java.util.LinkedHashMap<>();
    byName.path("conditions").fieldNames().forEachRemaining(n -> conditionIds.put(n, -1L - conditionIds.size()));
    java.util.function.Function<String, Long> id = name -> ids.computeIfAbsent(name, n -> conditionIds.containsKey(n)
        ? conditionIds.get(n)
        : jobs.findByName(group, n).map(JobDefinition::id)
            .orElseThrow(() -> new IllegalArgumentException("dagByName names job " + n + ", which group " + group + " does not have")));
    byName.path("nodes").forEach(n -> id.apply(n.asText()));
    com.fasterxml.jackson.databind.node.ObjectNode dag = json.createObjectNode();
    com.fasterxml.jackson.databind.node.ArrayNode edges = json.createArrayNode();
    for (JsonNode e : byName.path("edges")) {
      if (!e.isArray() || e.size() != 2) {
        throw new IllegalArgumentException("dagByName.edges entries must be [parent, child], got " + e);
      }
      edges.addObject().put("source", id.apply(e.get(0).asText())).put("target", id.apply(e.get(1).asText()));
    }
    java.util.function.Function<String, Long> known = n -> java.util.Optional.ofNullable(ids.get(n)).orElseThrow(() ->
        new IllegalArgumentException("dagByName.conditions names " + n + ", which is not a node of the DAG (edges or nodes)"));
    com.fasterxml.jackson.databind.node.ArrayNode nodes = dag.putArray("nodes");
    ids.forEach((name, nodeId) -> {
      com.fasterxml.jackson.databind.node.ObjectNode node = nodes.addObject().put("id", nodeId);
      JsonNode condition = byName.path("conditions").path(name);
      if (conditionIds.containsKey(name)) {
        node.put("type", "condition").put("name", name);
        if (condition.has("when")) {
          node.set("when", condition.get("when"));
        }
        if (condition.has("expect")) {
          com.fasterxml.jackson.databind.node.ObjectNode expect = node.putObject("expect");
          condition.get("expect").fields().forEachRemaining(x -> expect.set(Long.toString(known.apply(x.getKey())), x.getValue()));
        }
        com.fasterxml.jackson.databind.node.ArrayNode then = node.putArray("then");
        condition.path("then").forEach(t -> then.add(known.apply(t.asText())));
      } else if (byName.path("parameters").has(name)) {
        node.set("parameters", byName.path("parameters").get(name));
      }
    });
    dag.set("edges", edges);
    return dag.toString();
  }

  private static Integer timeType(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isNumber()) {
      return node.asInt();
    }
    try {
      return TimeType.fromKey(node.asText()).value();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("timeType must be \"cron\" or \"api\" (1 or 100), was " + node);
    }
  }

  /** An alert setting given as a JSON text (as the job API takes it) or as the JSON itself; null when absent. */
  private static String alertText(JsonNode body, String field) {
    JsonNode v = body.get(field);
    return v == null || v.isNull() ? null : v.isContainerNode() ? v.toString() : v.asText();
  }

  /** A DAG given as an object or as a JSON string. */
  private static String dagText(JsonNode node) {
    return node.isTextual() ? node.asText() : node.toString();
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private Workflow workflow(Context ctx) {
    String ref = ctx.pathParam("ref");
    if (ref.chars().allMatch(Character::isDigit) && !ref.isEmpty()) {
      Optional<Workflow> byId = workflows.find(Long.parseLong(ref));
      if (byId.isPresent()) {
        return byId.get();
      }
    }
    String group = ctx.queryParam("group");
    List<Workflow> named = workflows.list().stream()
        .filter(w -> w.name().equals(ref) && (group == null || w.groupId().equals(group))).toList();
    if (named.isEmpty()) {
      throw new WorkflowEngineNotFound("no workflow " + ref + (group == null ? "" : " in group " + group));
    }
    if (named.size() > 1) {
      throw new IllegalArgumentException("workflow " + ref + " exists in several groups; add ?group=");
    }
    return named.get(0);
  }

  private static long runId(Context ctx) {
    return ctx.pathParamAsClass("id", Long.class).get();
  }

  /** The node of an action: {@code {"node": <job instance id, or job id of a node that never ran>}}. */
  private long node(Context ctx, boolean required) throws Exception {
    JsonNode body = ctx.body().isBlank() ? json.createObjectNode() : json.readTree(ctx.body());
    if (!body.hasNonNull("node") || !body.get("node").canConvertToLong()) {
      throw new IllegalArgumentException("body must name the node: {\"node\": <job instance id, or the job id of a node that never ran>}");
    }
    return body.get("node").asLong();
  }

  private void act(Context ctx, WfInstance run) {
    ctx.json(detail(run.id()));
  }

  Map<String, Object> view(Workflow w) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("id", w.id());
    v.put("group", w.groupId());
    v.put("name", w.name());
    v.put("description", w.description());
    v.put("timeType", w.timeType() == Workflow.CRON ? "cron" : "api");
    v.put("timeExpression", w.timeExpression());
    v.put("timeZone", w.timeZone());
    v.put("maxConcurrency", w.maxConcurrency());
    v.put("concurrencyPolicy", w.concurrencyPolicy());
    v.put("failurePolicy", w.failurePolicy());
    v.put("enabled", w.enabled());
    v.put("monitorConfig", w.monitorConfig());
    v.put("contact", w.contact());
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (long jobId : w.dag().nodes()) {
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("id", jobId);
      Dag.Condition c = w.dag().conditions().get(jobId);
      if (c != null) {
        node.put("type", "condition");
        node.put("jobName", c.name());
        node.put("when", c.when());
        node.put("expect", c.expect());
        node.put("then", c.then());
      } else {
        node.put("jobName", jobs.findById(jobId).map(JobDefinition::name).orElse(""));
        node.put("parameters", w.dag().parameters().get(jobId));
      }
      nodes.add(node);
    }
    v.put("dag", Map.of("nodes", nodes, "edges", w.dag().edges()));
    v.put("dagJson", w.dag().toJson()); // what PUT .../dag and POST /api/v1/workflows take back unchanged
    v.put("createdAt", w.createdAt());
    v.put("updatedAt", w.updatedAt());
    return v;
  }

  private Map<String, Object> detail(long runId) {
    Workflows.RunView view = workflows.run(runId);
    return runView(view.run(), view.nodes());
  }

  static Map<String, Object> runView(WfInstance run, List<WfNode> nodes) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("id", run.id());
    v.put("workflowId", run.workflowId());
    v.put("scheduleTime", run.scheduleTime());
    v.put("trigger", run.triggerType());
    v.put("state", run.state());
    v.put("suspended", run.suspended());
    v.put("instanceParameters", run.instanceParameters());
    v.put("failurePolicy", run.failurePolicy());
    v.put("reason", run.reason());
    v.put("createdAt", run.createdAt());
    v.put("finishedAt", run.finishedAt());
    if (nodes != null) {
      Map<Long, List<Long>> parents = run.dag().parents();
      List<Map<String, Object>> nodeViews = new ArrayList<>();
      for (WfNode n : nodes) {
        Map<String, Object> nv = new LinkedHashMap<>();
        nv.put("jobId", n.jobId());
        nv.put("jobName", n.jobName());
        nv.put("type", run.dag().isCondition(n.jobId()) ? "condition" : "job");
        nv.put("state", n.state());
        nv.put("skipRequested", n.skipRequested());
        nv.put("jobInstanceId", n.jobInstanceId());
        nv.put("attempt", n.instanceAttempt());
        nv.put("result", n.result() != null ? n.result() : n.instanceResult());
        nv.put("startedAt", n.startedAt());
        nv.put("finishedAt", n.finishedAt());
        nv.put("parents", parents.getOrDefault(n.jobId(), List.of()));
        nodeViews.add(nv);
      }
      v.put("nodes", nodeViews);
      v.put("edges", run.dag().edges());
    }
    return v;
  }

  /** 404 for a workflow named in the path that does not exist. */
  private static final class WorkflowEngineNotFound extends io.javalin.http.NotFoundResponse {
    WorkflowEngineNotFound(String message) {
      super(message);
    }
  }
}
