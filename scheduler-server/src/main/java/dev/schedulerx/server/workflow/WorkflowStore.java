package dev.schedulerx.server.workflow;

import dev.schedulerx.server.store.InstanceState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The workflow tables (V6): definitions, their job membership, runs and their nodes. Every state change is a
 * conditional UPDATE (expected state in the WHERE) so a late or repeated caller changes nothing, and run and
 * node creation lean on unique keys, so two server nodes never create the same row twice.
 */
final class WorkflowStore {
  /** Stored results are capped as the official worker caps a processor's result. */
  static final int MAX_RESULT_BYTES = 1000;

  private static final String WF_COLUMNS =
      "id, group_id, name, description, time_type, time_expression, time_zone, max_concurrency, concurrency_policy, "
          + "failure_policy, enabled, dag_json, created_at, updated_at, monitor_config, contact";
  private static final String RUN_COLUMNS =
      "id, workflow_id, schedule_time, trigger_type, state, suspended, instance_parameters, dag_json, failure_policy, "
          + "reason, created_at, finished_at";
  private static final String NODE_SELECT =
      "SELECT n.id, n.wf_instance_id, n.job_id, n.job_name, n.state, n.skip_requested, n.run_time, n.job_instance_id, "
          + "n.result, n.started_at, n.finished_at, i.state AS i_state, i.attempt AS i_attempt, i.result AS i_result, i.finished_at AS i_finished "
          + "FROM sx_wf_node n LEFT JOIN sx_job_instance i ON i.id = n.job_instance_id ";

  private final DataSource dataSource;
  /** Parsed DAGs of recent runs by run id, eldest dropped beyond 256 (guarded by itself). */
  private final Map<Long, Dag> runDags = new java.util.LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Dag> eldest) {
      return size() > 256;
    }
  };

  /**
   * Parsed DAGs of workflow definitions by their JSON text (guarded by itself): the engine's tick reads every workflow
   * twice a second, and parsing a 1,000-node DAG again each time cost more than comparing its text.
   */
  private final Map<String, Dag> workflowDags = new java.util.LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Dag> eldest) {
      return size() > 64;
    }
  };

  WorkflowStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  @FunctionalInterface
  interface Mapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  // ---- definitions ----

  /** Stores a new workflow (its DAG empty); refuses a name taken in the group. */
  Workflow insert(Workflow w, Instant now) {
    return with("create workflow " + w.groupId() + "/" + w.name(), c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO sx_workflow (group_id, name, description, time_type, time_expression, time_zone, max_concurrency, "
              + "concurrency_policy, failure_policy, enabled, dag_json, created_at, updated_at, monitor_config, contact) "
              + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
          Statement.RETURN_GENERATED_KEYS)) {
        bindDefinition(ps, w);
        ps.setString(11, Dag.EMPTY.toJson());
        ps.setLong(12, now.toEpochMilli());
        ps.setLong(13, now.toEpochMilli());
        setNullable(ps, 14, w.monitorConfig());
        setNullable(ps, 15, w.contact());
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          long id = keys.getLong(1);
          return new Workflow(id, w.groupId(), w.name(), w.description(), w.timeType(), w.timeExpression(), w.timeZone(),
              w.maxConcurrency(), w.concurrencyPolicy(), w.failurePolicy(), w.enabled(), Dag.EMPTY, now, now,
              w.monitorConfig(), w.contact());
        }
      } catch (SQLException e) {
        if (isConstraint(e)) {
          throw new IllegalArgumentException("a workflow named " + w.name() + " exists in group " + w.groupId()
              + " already; choose another name or update that one");
        }
        throw e;
      }
    });
  }

  /** Updates everything but the DAG and the enabled flag; false when no such workflow. */
  boolean update(Workflow w, Instant now) {
    return with("update workflow " + w.id(), c -> {
      try {
        return update(c, "UPDATE sx_workflow SET group_id = ?, name = ?, description = ?, time_type = ?, time_expression = ?, "
                + "time_zone = ?, max_concurrency = ?, concurrency_policy = ?, failure_policy = ?, enabled = ?, updated_at = ?, "
                + "monitor_config = ?, contact = ? WHERE id = ?",
            ps -> {
              bindDefinition(ps, w);
              ps.setLong(11, now.toEpochMilli());
              setNullable(ps, 12, w.monitorConfig());
              setNullable(ps, 13, w.contact());
              ps.setLong(14, w.id());
            }) > 0;
      } catch (SQLException e) {
        if (isConstraint(e)) {
          throw new IllegalArgumentException("a workflow named " + w.name() + " exists in group " + w.groupId() + " already");
        }
        throw e;
      }
    });
  }

  private static void bindDefinition(PreparedStatement ps, Workflow w) throws SQLException {
    ps.setString(1, w.groupId());
    ps.setString(2, w.name());
    setNullable(ps, 3, w.description());
    ps.setInt(4, w.timeType());
    setNullable(ps, 5, w.timeExpression());
    setNullable(ps, 6, w.timeZone());
    ps.setInt(7, w.maxConcurrency());
    ps.setString(8, w.concurrencyPolicy());
    ps.setString(9, w.failurePolicy());
    ps.setBoolean(10, w.enabled());
  }

  /**
   * Replaces the DAG and the workflow's job membership in one transaction: a job another workflow uses, or one
   * that does not exist, rolls everything back and is named in the refusal.
   */
  void replaceDag(long workflowId, Dag dag, Instant now) {
    inTransaction("update the DAG of workflow " + workflowId, c -> {
      for (long jobId : dag.jobNodes()) {
        Optional<Long> owner = first(c, "SELECT workflow_id FROM sx_workflow_job WHERE job_id = ?", ps -> ps.setLong(1, jobId),
            rs -> rs.getLong(1));
        if (owner.isPresent() && owner.get() != workflowId) {
          throw new IllegalArgumentException("job " + jobId + " belongs to workflow " + owner.get()
              + " already; a job can be a node of one workflow only");
        }
      }
      update(c, "DELETE FROM sx_workflow_job WHERE workflow_id = ?", ps -> ps.setLong(1, workflowId));
      for (long jobId : dag.jobNodes()) {
        update(c, "INSERT INTO sx_workflow_job (job_id, workflow_id) VALUES (?, ?)", ps -> {
          ps.setLong(1, jobId);
          ps.setLong(2, workflowId);
        });
      }
      int changed = update(c, "UPDATE sx_workflow SET dag_json = ?, updated_at = ? WHERE id = ?", ps -> {
        ps.setString(1, dag.toJson());
        ps.setLong(2, now.toEpochMilli());
        ps.setLong(3, workflowId);
      });
      if (changed == 0) {
        throw new IllegalArgumentException("no workflow " + workflowId);
      }
      return null;
    });
  }

  boolean setEnabled(long workflowId, boolean enabled, Instant now) {
    return with("enable workflow " + workflowId, c -> update(c, "UPDATE sx_workflow SET enabled = ?, updated_at = ? WHERE id = ?",
        ps -> {
          ps.setBoolean(1, enabled);
          ps.setLong(2, now.toEpochMilli());
          ps.setLong(3, workflowId);
        }) > 0);
  }

  /** Deletes the workflow with its runs and membership (the jobs stay). */
  boolean delete(long workflowId) {
    return with("delete workflow " + workflowId, c -> {
      // node rows go with their runs, runs and membership with the workflow (ON DELETE CASCADE)
      return update(c, "DELETE FROM sx_workflow WHERE id = ?", ps -> ps.setLong(1, workflowId)) > 0;
    });
  }

  Optional<Workflow> find(long id) {
    return with("find workflow " + id, c -> first(c, "SELECT " + WF_COLUMNS + " FROM sx_workflow WHERE id = ?",
        ps -> ps.setLong(1, id), this::mapWorkflow));
  }

  Optional<Workflow> findByName(String groupId, String name) {
    return with("find workflow " + groupId + "/" + name, c -> first(c,
        "SELECT " + WF_COLUMNS + " FROM sx_workflow WHERE group_id = ? AND name = ?",
        ps -> {
          ps.setString(1, groupId);
          ps.setString(2, name);
        }, this::mapWorkflow));
  }

  List<Workflow> findAll() {
    return with("list workflows", c -> list(c, "SELECT " + WF_COLUMNS + " FROM sx_workflow ORDER BY group_id, name",
        ps -> {}, this::mapWorkflow));
  }

  /** Every job that is a node of some workflow. */
  Set<Long> jobsInWorkflows() {
    return with("list workflow jobs", c -> new HashSet<>(list(c, "SELECT job_id FROM sx_workflow_job", ps -> {}, rs -> rs.getLong(1))));
  }

  Optional<Long> workflowOfJob(long jobId) {
    return with("find the workflow of job " + jobId, c -> first(c, "SELECT workflow_id FROM sx_workflow_job WHERE job_id = ?",
        ps -> ps.setLong(1, jobId), rs -> rs.getLong(1)));
  }

  private Workflow mapWorkflow(ResultSet rs) throws SQLException {
    return new Workflow(rs.getLong("id"), rs.getString("group_id"), rs.getString("name"), rs.getString("description"),
        rs.getInt("time_type"), rs.getString("time_expression"), rs.getString("time_zone"), rs.getInt("max_concurrency"),
        rs.getString("concurrency_policy"), rs.getString("failure_policy"), rs.getBoolean("enabled"),
        workflowDag(rs.getString("dag_json")), Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")), rs.getString("monitor_config"), rs.getString("contact"));
  }

  // ---- runs ----

  /**
   * Creates a run with one WAITING node per DAG node (each node's run time = the run's schedule time), unless the
   * workflow has a run at {@code scheduleTime} already (then empty).
   */
  Optional<WfInstance> createRun(Workflow w, Instant scheduleTime, String trigger, String parameters, InstanceState state,
      String reason, Map<Long, String> jobNames, Instant now) {
    String action = "create the run of workflow " + w.id() + " at " + scheduleTime;
    return inTransaction(action, c -> {
      long id;
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO sx_wf_instance (workflow_id, schedule_time, trigger_type, state, suspended, instance_parameters, dag_json, "
              + "failure_policy, reason, created_at, finished_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
          Statement.RETURN_GENERATED_KEYS)) {
        ps.setLong(1, w.id());
        ps.setLong(2, scheduleTime.toEpochMilli());
        ps.setString(3, trigger);
        ps.setInt(4, state.value());
        ps.setBoolean(5, false);
        ps.setString(6, parameters == null ? "" : parameters);
        ps.setString(7, w.dag().toJson());
        ps.setString(8, w.failurePolicy());
        setNullable(ps, 9, reason);
        ps.setLong(10, now.toEpochMilli());
        if (state.isFinished()) {
          ps.setLong(11, now.toEpochMilli());
        } else {
          ps.setNull(11, Types.BIGINT);
        }
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          id = keys.getLong(1);
        }
      } catch (SQLException e) {
        if (isConstraint(e)) {
          return Optional.<WfInstance>empty();
        }
        throw e;
      }
      // One batch for all nodes: a thousand-node run is one statement, not a thousand (round trips to PostgreSQL).
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO sx_wf_node (wf_instance_id, job_id, job_name, state, skip_requested, run_time) VALUES (?,?,?,?,?,?)")) {
        for (long jobId : w.dag().nodes()) {
          ps.setLong(1, id);
          ps.setLong(2, jobId);
          ps.setString(3, jobNames.getOrDefault(jobId, "job-" + jobId));
          ps.setInt(4, InstanceState.WAITING.value());
          ps.setBoolean(5, false);
          ps.setLong(6, scheduleTime.toEpochMilli());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return Optional.of(new WfInstance(id, w.id(), scheduleTime, trigger, state, false, parameters == null ? "" : parameters,
          w.dag(), w.failurePolicy(), reason, now, state.isFinished() ? now : null));
    });
  }

  Optional<WfInstance> findRun(long id) {
    return with("find workflow instance " + id, c -> first(c, "SELECT " + RUN_COLUMNS + " FROM sx_wf_instance WHERE id = ?",
        ps -> ps.setLong(1, id), this::mapRun));
  }

  List<WfInstance> runsOf(long workflowId, int limit) {
    return with("list the runs of workflow " + workflowId, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + RUN_COLUMNS + " FROM sx_wf_instance WHERE workflow_id = ? ORDER BY id DESC")) {
        ps.setMaxRows(limit);
        ps.setLong(1, workflowId);
        List<WfInstance> runs = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            runs.add(mapRun(rs));
          }
        }
        return runs;
      }
    });
  }

  /** Runs that are running (3) or queued (1). */
  List<WfInstance> unfinishedRuns() {
    return with("list unfinished workflow runs", c -> list(c,
        "SELECT " + RUN_COLUMNS + " FROM sx_wf_instance WHERE state IN (1, 3) ORDER BY id", ps -> {}, this::mapRun));
  }

  int countRunning(long workflowId) {
    return with("count the running runs of workflow " + workflowId, c -> first(c,
        "SELECT COUNT(*) FROM sx_wf_instance WHERE workflow_id = ? AND state = 3", ps -> ps.setLong(1, workflowId),
        rs -> rs.getInt(1)).orElse(0));
  }

  Optional<WfInstance> oldestQueued(long workflowId) {
    return with("find the oldest queued run of workflow " + workflowId, c -> first(c,
        "SELECT " + RUN_COLUMNS + " FROM sx_wf_instance WHERE workflow_id = ? AND state = 1 ORDER BY id",
        ps -> ps.setLong(1, workflowId), this::mapRun));
  }

  Optional<Instant> lastScheduleTime(long workflowId) {
    return with("find the last run of workflow " + workflowId, c -> first(c,
        "SELECT MAX(schedule_time) FROM sx_wf_instance WHERE workflow_id = ? AND trigger_type = 'SCHEDULE'",
        ps -> ps.setLong(1, workflowId), rs -> {
          long v = rs.getLong(1);
          return rs.wasNull() ? null : Instant.ofEpochMilli(v);
        }));
  }

  Optional<Instant> latestScheduleTime(long workflowId) {
    return with("find the latest run of workflow " + workflowId, c -> first(c,
        "SELECT MAX(schedule_time) FROM sx_wf_instance WHERE workflow_id = ?",
        ps -> ps.setLong(1, workflowId), rs -> {
          long v = rs.getLong(1);
          return rs.wasNull() ? null : Instant.ofEpochMilli(v);
        }));
  }

  /**
   * The writes to one run by id and state. {@code state + 0} is no index's column, so the primary key serves them on
   * any plan: H2 keeps a statement's plan for the connection's life, and planned on a new database it took the state
   * index, walking every run in that state (a queue of waiting runs) for each write.
   */
  static final String MOVE_RUN = "UPDATE sx_wf_instance SET state = ?, reason = ?, finished_at = ? WHERE id = ? AND state + 0 = ?";
  static final String SET_SUSPENDED = "UPDATE sx_wf_instance SET suspended = ? WHERE id = ? AND state + 0 IN (1, 3)";

  /** Moves a run from {@code from} to {@code to}; true when it was in {@code from}. */
  boolean moveRun(long id, InstanceState from, InstanceState to, String reason, Instant now) {
    return with("set workflow instance " + id + " " + to, c -> update(c, MOVE_RUN,
        ps -> {
          ps.setInt(1, to.value());
          setNullable(ps, 2, capResult(reason)); // a reason the column cannot hold must not keep the run from ending
          if (to.isFinished()) {
            ps.setLong(3, now.toEpochMilli());
          } else {
            ps.setNull(3, Types.BIGINT);
          }
          ps.setLong(4, id);
          ps.setInt(5, from.value());
        }) > 0);
  }

  boolean setSuspended(long id, boolean suspended) {
    return with("suspend workflow instance " + id, c -> update(c, SET_SUSPENDED, ps -> {
          ps.setBoolean(1, suspended);
          ps.setLong(2, id);
        }) > 0);
  }

  private WfInstance mapRun(ResultSet rs) throws SQLException {
    long finished = rs.getLong("finished_at");
    Instant finishedAt = rs.wasNull() ? null : Instant.ofEpochMilli(finished);
    return new WfInstance(rs.getLong("id"), rs.getLong("workflow_id"), Instant.ofEpochMilli(rs.getLong("schedule_time")),
        rs.getString("trigger_type"), InstanceState.fromValue(rs.getInt("state")), rs.getBoolean("suspended"),
        rs.getString("instance_parameters"), runDag(rs.getLong("id"), rs.getString("dag_json")),
        rs.getString("failure_policy"), rs.getString("reason"), Instant.ofEpochMilli(rs.getLong("created_at")), finishedAt);
  }

  /**
   * A run's DAG, parsed once: a run's copy never changes, and the engine reads the run at every node end (a
   * 1,000-node DAG costs milliseconds to parse and check). The few most recent runs are kept.
   */
  private Dag runDag(long runId, String json) {
    return parsedOnce(runDags, runId, json);
  }

  /** Parses outside the lock: two callers may both parse one text, and either result serves. */
  private static <K> Dag parsedOnce(Map<K, Dag> cache, K key, String json) {
    synchronized (cache) {
      Dag dag = cache.get(key);
      if (dag != null) {
        return dag;
      }
    }
    Dag dag = Dag.parse(json);
    synchronized (cache) {
      cache.put(key, dag);
    }
    return dag;
  }

  // ---- nodes ----

  /** A workflow definition's DAG, parsed once per text (a DAG is immutable). */
  private Dag workflowDag(String json) {
    return parsedOnce(workflowDags, json, json);
  }

  /** The run's nodes with their current job instance's state, attempt and result. */
  List<WfNode> nodes(long wfInstanceId) {
    return with("list the nodes of workflow instance " + wfInstanceId, c -> list(c,
        NODE_SELECT + "WHERE n.wf_instance_id = ? ORDER BY n.id", ps -> ps.setLong(1, wfInstanceId), WorkflowStore::mapNode));
  }

  /** The node whose job instance would be created as {@code (jobId, runTime)}. */
  Optional<WfNode> nodeByRun(long jobId, Instant runTime) {
    return with("find the workflow node of job " + jobId + " at " + runTime, c -> first(c,
        NODE_SELECT + "WHERE n.job_id = ? AND n.run_time = ? ORDER BY n.id DESC",
        ps -> {
          ps.setLong(1, jobId);
          ps.setLong(2, runTime.toEpochMilli());
        }, WorkflowStore::mapNode));
  }

  Optional<Long> runOfJobInstance(long jobInstanceId) {
    return with("find the workflow instance of job instance " + jobInstanceId, c -> first(c,
        "SELECT wf_instance_id FROM sx_wf_node WHERE job_instance_id = ?", ps -> ps.setLong(1, jobInstanceId),
        rs -> rs.getLong(1)));
  }

  /** Links a node to a job instance and marks it RUNNING, if it is in one of {@code from}. */
  boolean startNode(long nodeId, long jobInstanceId, Instant now, InstanceState... from) {
    return with("start workflow node " + nodeId, c -> update(c,
        "UPDATE sx_wf_node SET state = 3, job_instance_id = ?, started_at = COALESCE(started_at, ?), finished_at = NULL "
            + "WHERE id = ? AND state IN (" + values(from) + ")",
        ps -> {
          ps.setLong(1, jobInstanceId);
          ps.setLong(2, now.toEpochMilli());
          ps.setLong(3, nodeId);
        }) > 0);
  }

  /**
   * As {@link #startNode} for many nodes, in one transaction: {@code links} maps node id to job instance id; answers
   * the ids of the nodes that were linked.
   */
  Set<Long> startNodes(Map<Long, Long> links, Instant now, InstanceState... from) {
    return inTransaction("start " + links.size() + " workflow nodes", c -> {
      Set<Long> started = new HashSet<>();
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE sx_wf_node SET state = 3, job_instance_id = ?, started_at = COALESCE(started_at, ?), finished_at = NULL "
              + "WHERE id = ? AND state IN (" + values(from) + ")")) {
        for (Map.Entry<Long, Long> link : links.entrySet()) {
          ps.setLong(1, link.getValue());
          ps.setLong(2, now.toEpochMilli());
          ps.setLong(3, link.getKey());
          if (ps.executeUpdate() > 0) {
            started.add(link.getKey());
          }
        }
      }
      return started;
    });
  }

  /** Ends a node (or marks it SKIPPED) if it is in one of {@code from}; the result is capped. */
  boolean endNode(long nodeId, InstanceState to, String result, Instant now, InstanceState... from) {
    return with("end workflow node " + nodeId, c -> update(c,
        "UPDATE sx_wf_node SET state = ?, result = ?, finished_at = ? WHERE id = ? AND state IN (" + values(from) + ")",
        ps -> {
          ps.setInt(1, to.value());
          setNullable(ps, 2, result == null ? null : capResult(result));
          ps.setLong(3, now.toEpochMilli());
          ps.setLong(4, nodeId);
        }) > 0);
  }

  /** As {@link #endNode} for many nodes, in one transaction: {@code results} maps node id to its result. */
  void endNodes(Map<Long, String> results, InstanceState to, Instant now, InstanceState... from) {
    inTransaction("end " + results.size() + " workflow nodes", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE sx_wf_node SET state = ?, result = ?, finished_at = ? WHERE id = ? AND state IN (" + values(from) + ")")) {
        for (Map.Entry<Long, String> r : results.entrySet()) {
          ps.setInt(1, to.value());
          setNullable(ps, 2, r.getValue() == null ? null : capResult(r.getValue()));
          ps.setLong(3, now.toEpochMilli());
          ps.setLong(4, r.getKey());
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  /** Puts a node back to WAITING under a new run time (a retry), if it is in one of {@code from}. */
  boolean resetNode(long nodeId, Instant runTime, InstanceState... from) {
    return with("reset workflow node " + nodeId, c -> update(c,
        "UPDATE sx_wf_node SET state = 1, run_time = ?, job_instance_id = NULL, result = NULL, started_at = NULL, "
            + "finished_at = NULL, skip_requested = ? WHERE id = ? AND state IN (" + values(from) + ")",
        ps -> {
          ps.setLong(1, runTime.toEpochMilli());
          ps.setBoolean(2, false);
          ps.setLong(3, nodeId);
        }) > 0);
  }

  boolean setSkipRequested(long nodeId, boolean skip) {
    return with("mark workflow node " + nodeId + " to skip", c -> update(c,
        "UPDATE sx_wf_node SET skip_requested = ? WHERE id = ? AND state = 1", ps -> {
          ps.setBoolean(1, skip);
          ps.setLong(2, nodeId);
        }) > 0);
  }

  /** The newest job instance of the run {@code (jobId, scheduleTime)}, any attempt. */
  Optional<Long> jobInstanceOfRun(long jobId, Instant scheduleTime) {
    return with("find the instance of job " + jobId + " at " + scheduleTime, c -> first(c,
        "SELECT id FROM sx_job_instance WHERE job_id = ? AND schedule_time = ? ORDER BY attempt DESC",
        ps -> {
          ps.setLong(1, jobId);
          ps.setLong(2, scheduleTime.toEpochMilli());
        }, rs -> rs.getLong(1)));
  }

  boolean jobHasRunAt(long jobId, Instant scheduleTime) {
    return jobInstanceOfRun(jobId, scheduleTime).isPresent();
  }

  private static WfNode mapNode(ResultSet rs) throws SQLException {
    long jobInstance = rs.getLong("job_instance_id");
    Long jobInstanceId = rs.wasNull() ? null : jobInstance;
    long started = rs.getLong("started_at");
    Instant startedAt = rs.wasNull() ? null : Instant.ofEpochMilli(started);
    long finished = rs.getLong("finished_at");
    Instant finishedAt = rs.wasNull() ? null : Instant.ofEpochMilli(finished);
    int iState = rs.getInt("i_state");
    InstanceState instanceState = rs.wasNull() ? null : InstanceState.fromValue(iState);
    int iAttempt = rs.getInt("i_attempt");
    Integer attempt = rs.wasNull() ? null : iAttempt;
    long iFinished = rs.getLong("i_finished");
    Instant instanceFinishedAt = rs.wasNull() ? null : Instant.ofEpochMilli(iFinished);
    return new WfNode(rs.getLong("id"), rs.getLong("wf_instance_id"), rs.getLong("job_id"), rs.getString("job_name"),
        InstanceState.fromValue(rs.getInt("state")), rs.getBoolean("skip_requested"),
        Instant.ofEpochMilli(rs.getLong("run_time")), jobInstanceId, rs.getString("result"), startedAt, finishedAt,
        instanceState, attempt, rs.getString("i_result"), instanceFinishedAt);
  }

  /**
   * A result as the official worker keeps it: over {@value #MAX_RESULT_BYTES} UTF-8 bytes, the first 990 characters
   * and {@code "..."} (so a child sees what an official worker would have reported).
   */
  static String capResult(String result) {
    if (result == null || result.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_RESULT_BYTES) {
      return result;
    }
    String head = result.substring(0, Math.min(990, result.length()));
    return head + "...";
  }

  // ---- JDBC plumbing ----

  private static String values(InstanceState... states) {
    StringBuilder sb = new StringBuilder();
    for (InstanceState s : states) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(s.value());
    }
    return sb.toString();
  }

  private <T> T with(String action, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new WorkflowStoreException(action, e);
    }
  }

  private <T> T inTransaction(String action, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      if (isConstraint(e)) {
        throw new IllegalArgumentException("refused by the database (" + firstLine(e.getMessage()) + ")");
      }
      throw new WorkflowStoreException(action, e);
    }
  }

  private static int update(Connection c, String sql, Binder binder) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      return ps.executeUpdate();
    }
  }

  private static <T> List<T> list(Connection c, String sql, Binder binder, Mapper<T> mapper) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      List<T> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(mapper.map(rs));
        }
      }
      return rows;
    }
  }

  private static <T> Optional<T> first(Connection c, String sql, Binder binder, Mapper<T> mapper) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      ps.setMaxRows(1);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(mapper.map(rs)) : Optional.empty();
      }
    }
  }

  private static void setNullable(PreparedStatement ps, int index, String value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, value);
    }
  }

  static boolean isConstraint(SQLException e) {
    return e instanceof SQLIntegrityConstraintViolationException || (e.getSQLState() != null && e.getSQLState().startsWith("23"));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
