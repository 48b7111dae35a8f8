package dev.schedulerx.server.workflow;

import dev.schedulerx.job.schedule.Schedules;
import dev.schedulerx.job.schedule.TimeType;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobRepository;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * What the front doors (REST, SchedulerX OpenAPI, console, worker config) may do with workflows: validated
 * definition changes, runs and operator actions, and views. Validation refuses with an
 * {@link IllegalArgumentException} naming the field and the fix, and changes nothing; an action the run's state
 * does not allow is refused with an {@link IllegalStateException}.
 */
public final class Workflows {
  /**
   * Fields of a create or update; null leaves a field as it is (update) or takes the default (create). For
   * {@code monitorConfig} and {@code contact} (alert settings, SchedulerX's JSON texts) an empty text clears the
   * workflow's own, so its app group's apply again; the front doors check them before they get here.
   */
  public record Spec(
      String groupId,
      String name,
      String description,
      Integer timeType,
      String timeExpression,
      String timeZone,
      Integer maxConcurrency,
      String concurrencyPolicy,
      String failurePolicy,
      Boolean enabled,
      String monitorConfig,
      String contact) {

    /** Without alert settings: the official client's workflow calls, which carry none (an update keeps them). */
    public Spec(String groupId, String name, String description, Integer timeType, String timeExpression,
        String timeZone, Integer maxConcurrency, String concurrencyPolicy, String failurePolicy, Boolean enabled) {
      this(groupId, name, description, timeType, timeExpression, timeZone, maxConcurrency, concurrencyPolicy,
          failurePolicy, enabled, null, null);
    }
  }

  /** A run with its nodes, as the views show it. */
  public record RunView(WfInstance run, List<WfNode> nodes) {}

  private final WorkflowEngine engine;
  private final WorkflowStore store;
  private final JobRepository jobs;
  private final Clock clock;

  public Workflows(WorkflowEngine engine, JobRepository jobs, Clock clock) {
    this.engine = engine;
    this.store = engine.store();
    this.jobs = jobs;
    this.clock = clock;
  }

  /** Creates a workflow, disabled unless {@code spec.enabled} says otherwise, with an empty DAG. */
  public Workflow create(Spec spec) {
    Workflow w = validate(new Workflow(0, req(spec.groupId(), "groupId"), req(spec.name(), "name"), spec.description(),
        Optional.ofNullable(spec.timeType()).orElse(Workflow.API), spec.timeExpression(), spec.timeZone(),
        Optional.ofNullable(spec.maxConcurrency()).orElse(1),
        Optional.ofNullable(spec.concurrencyPolicy()).orElse(Workflow.SKIP),
        Optional.ofNullable(spec.failurePolicy()).orElse(Workflow.BLOCK_DESCENDANTS),
        Optional.ofNullable(spec.enabled()).orElse(false), Dag.EMPTY, clock.instant(), clock.instant(),
        emptyToNull(spec.monitorConfig()), emptyToNull(spec.contact())));
    return store.insert(w, clock.instant());
  }

  /** Changes the given fields of a workflow (not its DAG). */
  public Workflow update(long id, Spec spec) {
    Workflow old = get(id);
    Workflow w = validate(new Workflow(id, or(spec.groupId(), old.groupId()), or(spec.name(), old.name()),
        or(spec.description(), old.description()), or(spec.timeType(), old.timeType()),
        or(spec.timeExpression(), old.timeExpression()), or(spec.timeZone(), old.timeZone()),
        or(spec.maxConcurrency(), old.maxConcurrency()), or(spec.concurrencyPolicy(), old.concurrencyPolicy()),
        or(spec.failurePolicy(), old.failurePolicy()), or(spec.enabled(), old.enabled()), old.dag(), old.createdAt(),
        clock.instant(), spec.monitorConfig() == null ? old.monitorConfig() : emptyToNull(spec.monitorConfig()),
        spec.contact() == null ? old.contact() : emptyToNull(spec.contact())));
    if (!w.groupId().equals(old.groupId()) && !old.dag().nodes().isEmpty()) {
      throw new IllegalArgumentException("groupId of workflow " + id + " cannot change while its DAG has jobs of group "
          + old.groupId() + "; clear the DAG first");
    }
    store.update(w, clock.instant());
    return get(id);
  }

  /**
   * Replaces the DAG. Refused, with nothing changed: malformed JSON, a cycle, an edge to a missing node, an unknown
   * job, a job of another group, a job another workflow uses.
   */
  public Workflow updateDag(long id, String dagJson) {
    Workflow w = get(id);
    Dag dag = Dag.parse(dagJson);
    for (long jobId : dag.jobNodes()) {
      JobDefinition job = jobs.findById(jobId).orElseThrow(() ->
          new IllegalArgumentException("dagJson names job " + jobId + ", which does not exist; create it first"));
      if (!job.groupId().equals(w.groupId())) {
        throw new IllegalArgumentException("dagJson names job " + jobId + " (" + job.name() + ") of group " + job.groupId()
            + "; workflow " + w.name() + " may use jobs of group " + w.groupId() + " only");
      }
    }
    store.replaceDag(id, dag, clock.instant());
    engine.refreshNodeJobs();
    return get(id);
  }

  public Workflow setEnabled(long id, boolean enabled) {
    get(id);
    store.setEnabled(id, enabled, clock.instant());
    return get(id);
  }

  /** Deletes a workflow and its history; refused while one of its runs is unfinished. */
  public void delete(long id) {
    get(id);
    boolean busy = store.unfinishedRuns().stream().anyMatch(r -> r.workflowId() == id);
    if (busy) {
      throw new WorkflowStateException("workflow " + id + " has an unfinished instance; stop it first");
    }
    store.delete(id);
    engine.refreshNodeJobs();
  }

  public Workflow get(long id) {
    return store.find(id).orElseThrow(() -> new WorkflowEngine.NoSuchElementException("no workflow " + id));
  }

  public Optional<Workflow> find(long id) {
    return store.find(id);
  }

  public Optional<Workflow> findByName(String groupId, String name) {
    return store.findByName(groupId, name);
  }

  public List<Workflow> list() {
    return store.findAll();
  }

  /** The workflow a job is a node of, if any (a job's delete is refused while it is). */
  public Optional<Long> workflowOfJob(long jobId) {
    return store.workflowOfJob(jobId);
  }

  /** Runs the workflow now; every node gets {@code instanceParameters}. Follows max concurrency's policy. */
  public WfInstance execute(long id, String instanceParameters) {
    Workflow w = get(id);
    if (w.dag().nodes().isEmpty()) {
      throw new IllegalArgumentException("workflow " + id + " has no nodes; set its DAG first");
    }
    return engine.run(w, instanceParameters == null ? "" : instanceParameters, "API");
  }

  public List<WfInstance> runs(long workflowId, int limit) {
    get(workflowId);
    return store.runsOf(workflowId, Math.max(1, limit));
  }

  public RunView run(long runId) {
    WfInstance run = store.findRun(runId)
        .orElseThrow(() -> new WorkflowEngine.NoSuchElementException("no workflow instance " + runId));
    return new RunView(run, store.nodes(runId));
  }

  public WfInstance stop(long runId) {
    return engine.stop(runId);
  }

  public WfInstance retry(long runId) {
    return engine.retry(runId);
  }

  public WfInstance skip(long runId, long node) {
    return engine.skip(runId, node);
  }

  public WfInstance cancelSkip(long runId, long node) {
    return engine.cancelSkip(runId, node);
  }

  public WfInstance suspend(long runId) {
    return engine.suspend(runId, true);
  }

  public WfInstance resume(long runId) {
    return engine.suspend(runId, false);
  }

  public WfInstance setSuccess(long runId, Long node) {
    return engine.setSuccess(runId, node);
  }

  private Workflow validate(Workflow w) {
    if (w.groupId().isBlank() || w.groupId().length() > 128) {
      throw new IllegalArgumentException("groupId must be 1-128 characters");
    }
    if (w.name().isBlank() || w.name().length() > 255) {
      throw new IllegalArgumentException("name must be 1-255 characters");
    }
    if (w.timeType() != Workflow.CRON && w.timeType() != Workflow.API) {
      throw new IllegalArgumentException("timeType must be 1 (cron) or 100 (api), was " + w.timeType());
    }
    if (w.timeType() == Workflow.CRON) {
      if (w.timeExpression() == null || w.timeExpression().isBlank()) {
        throw new IllegalArgumentException("timeExpression is required for a cron workflow, e.g. \"0 0/5 * * * ?\"");
      }
      Schedules.validate(TimeType.CRON, w.timeExpression(), Schedules.zoneOf(w.timeZone(), clock.getZone()));
    } else if (w.timeZone() != null && !w.timeZone().isBlank()) {
      Schedules.zoneOf(w.timeZone(), clock.getZone());
    }
    if (w.maxConcurrency() < 1) {
      throw new IllegalArgumentException("maxConcurrency must be at least 1, was " + w.maxConcurrency());
    }
    if (!Workflow.CONCURRENCY_POLICIES.contains(w.concurrencyPolicy())) {
      throw new IllegalArgumentException("concurrencyPolicy must be one of " + Workflow.CONCURRENCY_POLICIES + ", was "
          + w.concurrencyPolicy());
    }
    if (!Workflow.FAILURE_POLICIES.contains(w.failurePolicy())) {
      throw new IllegalArgumentException("failurePolicy must be one of " + Workflow.FAILURE_POLICIES + ", was "
          + w.failurePolicy());
    }
    return w;
  }

  private static String req(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value.trim();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
