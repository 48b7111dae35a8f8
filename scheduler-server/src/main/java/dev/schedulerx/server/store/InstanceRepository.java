package dev.schedulerx.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores {@link JobInstance}s in {@code sx_job_instance}. The unique key {@code (job_id,
 * schedule_time, attempt)} makes {@link #create} the cluster-wide "who starts this run" decision:
 * exactly one caller gets the row, every other one gets empty. State changes are conditional
 * updates, so a finished instance never changes again however often a report is redelivered.
 */
public final class InstanceRepository {
  /** Results longer than this are truncated. */
  public static final int MAX_RESULT_LENGTH = 2000;

  /** Progress JSON and instance parameters longer than this are refused. */
  public static final int MAX_LARGE_TEXT_LENGTH = 65_536;

  /** How many schedule times {@link #createApiRun} tries before giving up (each try jumps past the taken ones). */
  static final int API_RUN_ATTEMPTS = 32;

  private static final Logger log = LoggerFactory.getLogger(InstanceRepository.class);

  /**
   * "Not finished", as the list of unfinished states: an IN is served by the state index and reads only the few
   * unfinished rows, where NOT IN read every row (of the job, or of the table), a history that grows with retention.
   */
  static final String UNFINISHED =
      "state IN (" + InstanceState.unfinishedValuesSql() + ")";
  /**
   * {@link #UNFINISHED} for a statement that finds its run by id: {@code state + 0} is no column, so no state index
   * serves it and the primary key does. H2 plans a statement once per connection and keeps the plan; planned on a
   * new database (no statistics) it preferred the state index, and every write to one run walked all unfinished
   * runs (a fan-out of 1,000 runs: 1,000 index entries per status write) until the pool replaced the connection.
   */
  static final String STILL_UNFINISHED = "state + 0 IN (" + InstanceState.unfinishedValuesSql() + ")";
  private static final String FINISHED = "state IN (" + InstanceState.finishedValuesSql() + ")";
  private static final String SELECT =
      "SELECT id, job_id, group_id, job_name, schedule_time, trigger_type, state, attempt,"
          + " instance_parameters, worker_id, worker_addr, result, progress, created_at,"
          + " started_at, finished_at, queued FROM sx_job_instance";
  /**
   * For queries of one job. Naming job_id (fixed by their WHERE) lets H2 walk the unique key backwards and stop
   * after the first rows, instead of reading and sorting all the job's history; the unique key needs no tiebreak.
   */
  private static final String NEWEST_FIRST = " ORDER BY job_id DESC, schedule_time DESC, attempt DESC";
  /**
   * The run that beat an insert to the unique key. A locking read: it reads the latest committed row, where a
   * consistent read on MariaDB once missed the row whose commit had just raised the insert's duplicate-key error.
   */
  private static final String BY_RUN_LATEST =
      SELECT + " WHERE job_id = ? AND schedule_time = ? AND attempt = ? FOR UPDATE";
  private static final String INSERT =
      "INSERT INTO sx_job_instance (job_id, group_id, job_name, schedule_time, trigger_type, state,"
          + " attempt, instance_parameters, created_at, queued) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final Jdbc jdbc;
  /** Per job, the latest API-run schedule time (epoch ms) handed out by this repository. */
  private final Map<Long, AtomicLong> apiSlots = new ConcurrentHashMap<>();

  public InstanceRepository(DataSource dataSource) {
    this.jdbc = new Jdbc(dataSource);
  }

  /**
   * Creates a WAITING run, unless this {@code (jobId, scheduleTime, attempt)} exists already.
   *
   * @param scheduleTime the slot (API triggers: the request time; see {@link #createApiRun})
   * @param attempt 0 for a slot's first run; instance-level retries keep the slot and count up
   * @return the new instance, or empty when another caller (or server node) created this run first
   */
  public Optional<JobInstance> create(
      long jobId,
      String groupId,
      String jobName,
      Instant scheduleTime,
      TriggerType trigger,
      String instanceParameters,
      int attempt,
      Instant now) {
    return create(jobId, groupId, jobName, scheduleTime, trigger, instanceParameters, attempt, now, false);
  }

  /**
   * As {@link #create(long, String, String, Instant, TriggerType, String, int, Instant)}; {@code queued}
   * stores the run as waiting in its job's queue (see {@link #claimQueued}).
   */
  public Optional<JobInstance> create(
      long jobId,
      String groupId,
      String jobName,
      Instant scheduleTime,
      TriggerType trigger,
      String instanceParameters,
      int attempt,
      Instant now,
      boolean queued) {
    Objects.requireNonNull(now, "now");
    NewRun run = new NewRun(jobId, groupId, jobName, scheduleTime, trigger, instanceParameters, attempt);
    return jdbc.withConnection(
        "create instance of " + run.describe(),
        c -> {
          long id;
          // The generated id comes back with the insert: no second round trip to read the row.
          try (PreparedStatement ps = c.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
            run.bind(ps, now, queued);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
              id = run.generatedId(keys);
            }
          } catch (SQLException e) {
            if (SqlErrors.isConstraintViolation(e)
                && findRunLatest(c, jobId, scheduleTime, attempt).isPresent()) {
              log.debug("Instance of {} exists already, not creating it again", run.describe());
              return Optional.empty();
            }
            throw e;
          }
          return Optional.of(run.stored(id, now, queued));
        });
  }

  /**
   * One run for {@link #create} and {@link #createAll}, checked for what its columns take; null parameters are stored
   * as "".
   */
  public record NewRun(long jobId, String groupId, String jobName, Instant scheduleTime, TriggerType trigger,
      String instanceParameters, int attempt) {
    public NewRun {
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(jobName, "jobName");
      Objects.requireNonNull(scheduleTime, "scheduleTime");
      Objects.requireNonNull(trigger, "trigger");
      if (attempt < 0) {
        throw new IllegalArgumentException("attempt must not be negative, was " + attempt);
      }
      instanceParameters =
          Texts.requireLength("instanceParameters", Texts.orEmpty(instanceParameters), 0, MAX_LARGE_TEXT_LENGTH);
    }

    String describe() {
      return "job " + jobId + " at " + scheduleTime + " attempt " + attempt;
    }

    /** Binds {@link InstanceRepository#INSERT}'s parameters to this run. */
    void bind(PreparedStatement ps, Instant now, boolean queued) throws SQLException {
      ps.setLong(1, jobId);
      ps.setString(2, groupId);
      ps.setString(3, jobName);
      ps.setLong(4, scheduleTime.toEpochMilli());
      ps.setString(5, trigger.name());
      ps.setInt(6, InstanceState.WAITING.value());
      ps.setInt(7, attempt);
      ps.setString(8, instanceParameters);
      ps.setLong(9, now.toEpochMilli());
      ps.setBoolean(10, queued);
    }

    /** The next id of an insert's generated keys, this run's. */
    long generatedId(ResultSet keys) throws SQLException {
      if (!keys.next()) {
        throw new SQLException("no id generated for the instance of " + describe());
      }
      return keys.getLong(1);
    }

    /** This run as {@link InstanceRepository#INSERT} stored it with {@code id}. */
    JobInstance stored(long id, Instant now, boolean queued) {
      return new JobInstance(id, jobId, groupId, jobName, millis(scheduleTime), trigger, InstanceState.WAITING, attempt,
          instanceParameters, null, null, null, null, millis(now), null, null, queued);
    }
  }

  /**
   * Creates WAITING runs in one transaction (a workflow node's children): one commit for all of them instead of one
   * each. All or nothing: empty when any of them exists already (then nothing was created, and the caller creates
   * them one by one with {@link #create}, which tells which).
   */
  public Optional<List<JobInstance>> createAll(List<NewRun> runs, Instant now) {
    try {
      return Optional.of(jdbc.inTransaction(c -> {
        List<JobInstance> created = new ArrayList<>(runs.size());
        // One batch: one round trip to PostgreSQL or MariaDB instead of one per run.
        try (PreparedStatement ps = c.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
          for (NewRun r : runs) {
            r.bind(ps, now, false);
            ps.addBatch();
          }
          ps.executeBatch();
          try (ResultSet keys = ps.getGeneratedKeys()) {
            for (NewRun r : runs) {
              created.add(r.stored(r.generatedId(keys), now, false));
            }
          }
        }
        return created;
      }));
    } catch (SQLException e) {
      if (SqlErrors.isConstraintViolation(e)) {
        log.debug("One of {} runs exists already; none created together", runs.size());
        return Optional.empty();
      }
      throw new StoreQueryException("create " + runs.size() + " instances", e);
    }
  }

  /**
   * Creates an API-triggered run scheduled at {@code now}, or just after the job's latest API run handed out
   * here: two API triggers of one job in the same millisecond would share the unique key, so this repository
   * gives each its own millisecond without asking the database. A slot taken anyway (another server node, or
   * this server before a restart) moves the schedule time just past the job's latest stored one and tries again;
   * the unique key stays the judge.
   *
   * @throws StoreConflictException when {@value #API_RUN_ATTEMPTS} tries in a row collide
   */
  public JobInstance createApiRun(
      long jobId, String groupId, String jobName, String instanceParameters, Instant now) {
    return createApiRun(jobId, groupId, jobName, instanceParameters, now, false);
  }

  /** As {@link #createApiRun(long, String, String, String, Instant)}, possibly queued. */
  public JobInstance createApiRun(
      long jobId, String groupId, String jobName, String instanceParameters, Instant now, boolean queued) {
    Objects.requireNonNull(now, "now");
    AtomicLong handedOut = apiSlots.computeIfAbsent(jobId, id -> new AtomicLong(Long.MIN_VALUE));
    long slot = nextSlot(handedOut, now.toEpochMilli());
    for (int i = 0; i < API_RUN_ATTEMPTS; i++) {
      Optional<JobInstance> created =
          create(jobId, groupId, jobName, Instant.ofEpochMilli(slot), TriggerType.API, instanceParameters, 0, now, queued);
      if (created.isPresent()) {
        return created.get();
      }
      long taken = latestScheduleTime(jobId, null).map(Instant::toEpochMilli).orElse(slot);
      slot = nextSlot(handedOut, Math.max(taken, slot) + 1);
    }
    throw new StoreConflictException(
        "could not create an API run of job " + jobId + ": " + API_RUN_ATTEMPTS
            + " schedule times from " + now + " on were taken by concurrent triggers; try again",
        null);
  }

  /** The first millisecond from {@code atLeast} on that is after every slot handed out so far. */
  private static long nextSlot(AtomicLong handedOut, long atLeast) {
    return handedOut.accumulateAndGet(atLeast, (last, wanted) -> Math.max(wanted, last + 1));
  }

  /**
   * Moves an unfinished instance to RUNNING on the given worker. A second call (a redelivered
   * report) updates the worker but keeps the first {@code startedAt}.
   *
   * @return false when the instance does not exist or is already finished
   */
  public boolean markRunning(long id, String workerId, String workerAddr, Instant startedAt) {
    Objects.requireNonNull(startedAt, "startedAt");
    return jdbc.update("mark instance " + id + " running", MARK_RUNNING,
            ps -> bindMarkRunning(ps, id, workerId, workerAddr, startedAt)) > 0;
  }

  static final String MARK_RUNNING =
      "UPDATE sx_job_instance SET state = ?, worker_id = ?, worker_addr = ?,"
          + " started_at = COALESCE(started_at, ?) WHERE id = ? AND " + STILL_UNFINISHED;

  private static void bindMarkRunning(PreparedStatement ps, long id, String workerId, String workerAddr, Instant startedAt)
      throws SQLException {
    ps.setInt(1, InstanceState.RUNNING.value());
    Jdbc.setNullableString(ps, 2, workerId);
    Jdbc.setNullableString(ps, 3, workerAddr);
    ps.setLong(4, startedAt.toEpochMilli());
    ps.setLong(5, id);
  }

  /** Records the worker of an instance that finished before its submit was acknowledged; no state change. */
  public boolean recordWorker(long id, String workerId, String workerAddr, Instant acceptedAt) {
    return jdbc.update("record worker of instance " + id, RECORD_WORKER,
            ps -> bindRecordWorker(ps, id, workerId, workerAddr, acceptedAt)) > 0;
  }

  private static final String RECORD_WORKER =
      "UPDATE sx_job_instance SET worker_id = ?, worker_addr = ?, started_at = CASE WHEN finished_at IS NOT NULL"
          + " AND finished_at < ? THEN finished_at ELSE ? END WHERE id = ? AND worker_id IS NULL";

  private static void bindRecordWorker(PreparedStatement ps, long id, String workerId, String workerAddr, Instant acceptedAt)
      throws SQLException {
    Jdbc.setNullableString(ps, 1, workerId);
    Jdbc.setNullableString(ps, 2, workerAddr);
    ps.setLong(3, acceptedAt.toEpochMilli());
    ps.setLong(4, acceptedAt.toEpochMilli());
    ps.setLong(5, id);
  }

  /**
   * Ends an instance, once: when it is already finished nothing changes and false is returned, so
   * redelivered final reports are harmless. The result is truncated to {@value #MAX_RESULT_LENGTH}
   * characters; NUL characters in it are stored as U+FFFD (PostgreSQL cannot store them).
   *
   * @param finalState a state whose {@link InstanceState#isFinished()} is true
   * @return false when the instance does not exist or was already finished
   */
  public boolean finish(long id, InstanceState finalState, String result, Instant finishedAt) {
    Objects.requireNonNull(finalState, "finalState");
    Objects.requireNonNull(finishedAt, "finishedAt");
    if (!finalState.isFinished()) {
      throw new IllegalArgumentException(
          "cannot finish instance " + id + " as " + finalState + ": it is not a final state");
    }
    return jdbc.update("finish instance " + id + " as " + finalState, FINISH,
            ps -> bindFinish(ps, id, finalState, result, finishedAt)) > 0;
  }

  // Start and end are stored by different threads, each reading the clock first: never let an instance end
  // before it started.
  static final String FINISH =
      "UPDATE sx_job_instance SET state = ?, result = ?,"
          + " finished_at = CASE WHEN started_at IS NOT NULL AND started_at > ? THEN started_at ELSE ? END"
          + " WHERE id = ? AND " + STILL_UNFINISHED;

  private static void bindFinish(PreparedStatement ps, long id, InstanceState finalState, String result, Instant finishedAt)
      throws SQLException {
    ps.setInt(1, finalState.value());
    Jdbc.setNullableString(ps, 2, Texts.truncate(Texts.storable(result), MAX_RESULT_LENGTH));
    ps.setLong(3, finishedAt.toEpochMilli());
    ps.setLong(4, finishedAt.toEpochMilli());
    ps.setLong(5, id);
  }

  /**
   * Turns a FAILED or KILLED instance into SUCCESS with {@code note} as its result (an operator's decision).
   *
   * @return false when the instance does not exist or is not FAILED or KILLED
   */
  public boolean markSucceeded(long id, String note) {
    return jdbc.update(
            "set instance " + id + " to success",
            "UPDATE sx_job_instance SET state = ?, result = ? WHERE id = ? AND state + 0 IN (?, ?)", // see STILL_UNFINISHED
            ps -> {
              ps.setInt(1, InstanceState.SUCCESS.value());
              Jdbc.setNullableString(ps, 2, Texts.truncate(Texts.storable(note), MAX_RESULT_LENGTH));
              ps.setLong(3, id);
              ps.setInt(4, InstanceState.FAILED.value());
              ps.setInt(5, InstanceState.KILLED.value());
            })
        > 0;
  }

  /**
   * Ends an instance whose start was not stored yet, recording where and when it started in the same write
   * (a quick run's final report overtook the store of its start): as {@link #markRunning} followed by {@link
   * #finish}, in one statement. When the instance was already finished, nothing changes and false is returned.
   */
  public boolean finishStarted(
      long id, String workerId, String workerAddr, Instant startedAt, InstanceState finalState, String result,
      Instant finishedAt) {
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finalState, "finalState");
    Objects.requireNonNull(finishedAt, "finishedAt");
    if (!finalState.isFinished()) {
      throw new IllegalArgumentException(
          "cannot finish instance " + id + " as " + finalState + ": it is not a final state");
    }
    return jdbc.update("finish instance " + id + " as " + finalState, FINISH_STARTED,
            ps -> bindFinishStarted(ps, id, workerId, workerAddr, startedAt, finalState, result, finishedAt)) > 0;
  }

  static final String FINISH_STARTED =
      "UPDATE sx_job_instance SET state = ?, result = ?, worker_id = ?, worker_addr = ?,"
          + " started_at = COALESCE(started_at, ?), finished_at = ? WHERE id = ? AND " + STILL_UNFINISHED;

  private static void bindFinishStarted(PreparedStatement ps, long id, String workerId, String workerAddr, Instant startedAt,
      InstanceState finalState, String result, Instant finishedAt) throws SQLException {
    // The end never precedes the start; both clocks readings come from this node.
    long started = startedAt.toEpochMilli();
    ps.setInt(1, finalState.value());
    Jdbc.setNullableString(ps, 2, Texts.truncate(Texts.storable(result), MAX_RESULT_LENGTH));
    Jdbc.setNullableString(ps, 3, workerId);
    Jdbc.setNullableString(ps, 4, workerAddr);
    ps.setLong(5, started);
    ps.setLong(6, Math.max(started, finishedAt.toEpochMilli()));
    ps.setLong(7, id);
  }

  /**
   * One change of {@link #storeAll}: a run's start as its master accepted it, its reported end (with the start
   * when that is not stored yet), or its progress.
   */
  public sealed interface Change permits Started, Ended, Progress {}

  /** As {@link #markRunning}; a run that ended already gets {@link #recordWorker} instead. */
  public record Started(long id, String workerId, String workerAddr, Instant at) implements Change {
    public Started {
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * As {@link #finish}, or {@link #finishStarted} when {@code start} (not stored yet) is given; a run that ended
   * before still gets {@code start}'s worker recorded.
   */
  public record Ended(long id, InstanceState state, String result, Instant at, Started start) implements Change {
    public Ended {
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(at, "at");
      if (!state.isFinished()) {
        throw new IllegalArgumentException("cannot finish instance " + id + " as " + state + ": it is not a final state");
      }
    }
  }

  /** As {@link #updateProgress}. */
  public record Progress(long id, String json) implements Change {
    public Progress {
      json = Texts.storable(json);
      if (json != null) {
        Texts.requireLength("progress of instance " + id, json, 0, MAX_LARGE_TEXT_LENGTH);
      }
    }
  }

  /**
   * Stores many starts, ends and progress reports in one transaction (one commit instead of one each), each as its
   * single method would. Answers, per change in order, whether it took effect: the run moved to RUNNING, the run was
   * ended by this call (false: it had ended before, as a redelivered report finds it), the progress was stored.
   * All or nothing: a failure stores none of them.
   */
  public List<Boolean> storeAll(List<? extends Change> changes) {
    if (changes.isEmpty()) {
      return List.of();
    }
    try {
      return jdbc.inTransaction(c -> {
        List<Boolean> applied = new ArrayList<>(changes.size());
        for (Change change : changes) {
          if (change instanceof Started s) {
            applied.add(start(c, s));
          } else if (change instanceof Ended e) {
            applied.add(end(c, e));
          } else {
            Progress p = (Progress) change;
            applied.add(Jdbc.update(c, UPDATE_PROGRESS, ps -> bindProgress(ps, p.id(), p.json())) > 0);
          }
        }
        return applied;
      });
    } catch (SQLException e) {
      throw new StoreQueryException("store " + changes.size() + " instance changes", e);
    }
  }

  /** Marks the run RUNNING; one that ended before (killed, timed out) still gets where and when it ran. */
  private static boolean start(Connection c, Started s) throws SQLException {
    if (Jdbc.update(c, MARK_RUNNING, ps -> bindMarkRunning(ps, s.id(), s.workerId(), s.workerAddr(), s.at())) > 0) {
      return true;
    }
    recordWorker(c, s);
    return false;
  }

  private static boolean recordWorker(Connection c, Started s) throws SQLException {
    return Jdbc.update(c, RECORD_WORKER, ps -> bindRecordWorker(ps, s.id(), s.workerId(), s.workerAddr(), s.at())) > 0;
  }

  private static boolean end(Connection c, Ended e) throws SQLException {
    Started s = e.start();
    if (s == null) {
      return Jdbc.update(c, FINISH, ps -> bindFinish(ps, e.id(), e.state(), e.result(), e.at())) > 0;
    }
    boolean ended = Jdbc.update(c, FINISH_STARTED,
        ps -> bindFinishStarted(ps, e.id(), s.workerId(), s.workerAddr(), s.at(), e.state(), e.result(), e.at())) > 0;
    if (!ended) {
      recordWorker(c, s);
    }
    return ended;
  }

  /**
   * Replaces the progress JSON, in any state (a last progress report may race the final one). NUL
   * characters are stored as U+FFFD.
   *
   * @return false when the instance does not exist
   * @throws IllegalArgumentException when the JSON exceeds {@value #MAX_LARGE_TEXT_LENGTH}
   *     characters
   */
  public boolean updateProgress(long id, String progressJson) {
    String progress = Texts.storable(progressJson);
    if (progress != null) {
      Texts.requireLength("progress of instance " + id, progress, 0, MAX_LARGE_TEXT_LENGTH);
    }
    return jdbc.update("update progress of instance " + id, UPDATE_PROGRESS, ps -> bindProgress(ps, id, progress)) > 0;
  }

  private static final String UPDATE_PROGRESS = "UPDATE sx_job_instance SET progress = ? WHERE id = ?";

  private static void bindProgress(PreparedStatement ps, long id, String progress) throws SQLException {
    Jdbc.setNullableString(ps, 1, progress);
    ps.setLong(2, id);
  }

  public Optional<JobInstance> findById(long id) {
    return jdbc.first(
        "find instance " + id,
        SELECT + " WHERE id = ?",
        ps -> ps.setLong(1, id),
        InstanceRepository::map);
  }

  /** The job's latest {@code limit} instances, newest schedule time (then attempt) first. */
  public List<JobInstance> findByJob(long jobId, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    return jdbc.list(
        "list instances of job " + jobId,
        SELECT + " WHERE job_id = ?" + NEWEST_FIRST + " LIMIT ?",
        ps -> {
          ps.setLong(1, jobId);
          ps.setInt(2, limit);
        },
        InstanceRepository::map);
  }

  /**
   * A page of the job's instances, newest schedule time (then attempt) first, optionally only those in {@code
   * state} and with a schedule time in {@code [from, to]}.
   */
  public List<JobInstance> findByJob(long jobId, InstanceState state, Instant from, Instant to, int offset, int limit) {
    if (limit < 1 || offset < 0) {
      throw new IllegalArgumentException("limit must be at least 1 and offset not negative, were " + limit + ", " + offset);
    }
    StringBuilder where = new StringBuilder(" WHERE job_id = ?");
    if (state != null) {
      where.append(" AND state = ?");
    }
    if (from != null) {
      where.append(" AND schedule_time >= ?");
    }
    if (to != null) {
      where.append(" AND schedule_time <= ?");
    }
    return jdbc.list(
        "list instances of job " + jobId,
        SELECT + where + NEWEST_FIRST + " LIMIT ? OFFSET ?",
        ps -> {
          int i = 1;
          ps.setLong(i++, jobId);
          if (state != null) {
            ps.setInt(i++, state.value());
          }
          if (from != null) {
            ps.setLong(i++, from.toEpochMilli());
          }
          if (to != null) {
            ps.setLong(i++, to.toEpochMilli());
          }
          ps.setInt(i++, limit);
          ps.setInt(i, offset);
        },
        InstanceRepository::map);
  }

  /** How many instances of the group's jobs are in each state (states without any are left out). */
  public Map<InstanceState, Long> countByState(String groupId) {
    Map<InstanceState, Long> counts = new java.util.EnumMap<>(InstanceState.class);
    jdbc.list(
            "count instances of group " + groupId + " by state",
            "SELECT state, COUNT(*) FROM sx_job_instance WHERE group_id = ? GROUP BY state",
            ps -> ps.setString(1, groupId),
            rs -> Map.entry(InstanceState.fromValue(rs.getInt(1)), rs.getLong(2)))
        .forEach(e -> counts.put(e.getKey(), e.getValue()));
    return counts;
  }

  /** The newest {@code limit} instances of all jobs, most recently created first (the console's overview). */
  public List<JobInstance> findRecent(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    return jdbc.list(
        "list recent instances",
        SELECT + " ORDER BY id DESC LIMIT ?",
        ps -> ps.setInt(1, limit),
        InstanceRepository::map);
  }

  /** The job's newest instance by schedule time, then attempt. */
  public Optional<JobInstance> latestByJob(long jobId) {
    return jdbc.first(
        "find latest instance of job " + jobId,
        SELECT + " WHERE job_id = ?" + NEWEST_FIRST + " LIMIT 1",
        ps -> ps.setLong(1, jobId),
        InstanceRepository::map);
  }

  /** Every instance not yet finished, oldest first: what a restarted server must look after. */
  public List<JobInstance> findUnfinished() {
    return jdbc.list(
        "list unfinished instances",
        SELECT + " WHERE " + UNFINISHED + " ORDER BY id",
        Jdbc.Binder.NONE,
        InstanceRepository::map);
  }

  /**
   * How many of the job's instances are not finished (waiting, running, ...), for max-concurrency
   * checks.
   */
  public int countRunning(long jobId) {
    return jdbc.first(
            "count unfinished instances of job " + jobId,
            "SELECT COUNT(*) FROM sx_job_instance WHERE job_id = ? AND " + UNFINISHED,
            ps -> ps.setLong(1, jobId),
            rs -> rs.getInt(1))
        .orElse(0);
  }

  /**
   * How many of the job's instances hold a slot: not finished and not waiting in the queue. A run is
   * counted from its creation (before a worker accepted it) until its final state.
   */
  public int countActive(long jobId) {
    return jdbc.first(
            "count active instances of job " + jobId,
            "SELECT COUNT(*) FROM sx_job_instance WHERE job_id = ? AND queued = FALSE AND " + UNFINISHED,
            ps -> ps.setLong(1, jobId),
            rs -> rs.getInt(1))
        .orElse(0);
  }

  /** The job's queued runs, oldest first (creation order), at most {@code limit}. */
  public List<JobInstance> findQueued(long jobId, int limit) {
    return jdbc.list(
        "list queued instances of job " + jobId,
        SELECT + " WHERE job_id = ? AND queued = TRUE AND " + UNFINISHED + " ORDER BY id LIMIT ?",
        ps -> {
          ps.setLong(1, jobId);
          ps.setInt(2, limit);
        },
        InstanceRepository::map);
  }

  /** Ids of the jobs that have queued runs: what a new leader looks after. */
  public List<Long> jobsWithQueuedRuns() {
    return jdbc.list(
        "list jobs with queued instances",
        "SELECT DISTINCT job_id FROM sx_job_instance WHERE queued = TRUE AND " + UNFINISHED,
        Jdbc.Binder.NONE,
        rs -> rs.getLong(1));
  }

  /** By id, as {@link #STILL_UNFINISHED} says; {@code NOT (queued = FALSE)} keeps the queue index out as well. */
  static final String CLAIM_QUEUED =
      "UPDATE sx_job_instance SET queued = FALSE WHERE id = ? AND NOT (queued = FALSE) AND " + STILL_UNFINISHED;

  /**
   * Takes a queued run out of the queue, once: of several callers (threads or server nodes) exactly one
   * gets true and then submits it.
   */
  public boolean claimQueued(long id) {
    return jdbc.update(
            "take instance " + id + " out of its queue",
            CLAIM_QUEUED,
            ps -> ps.setLong(1, id))
        > 0;
  }

  /**
   * The latest schedule time of the job's SCHEDULE-triggered instances: the {@code lastScheduled}
   * input of {@code Schedules.nextDue}. API runs and retries do not move a job's schedule.
   */
  public Optional<Instant> lastScheduleTime(long jobId) {
    return latestScheduleTime(jobId, TriggerType.SCHEDULE);
  }

  /** The latest schedule time of the job's instances of {@code trigger} (null: of any trigger). */
  private Optional<Instant> latestScheduleTime(long jobId, TriggerType trigger) {
    return jdbc.first(
        "find last schedule time of job " + jobId,
        // Not MAX(schedule_time): H2 aggregates over all the job's rows, the newest-first walk stops at the first.
        "SELECT schedule_time FROM sx_job_instance WHERE job_id = ?"
            + (trigger == null ? "" : " AND trigger_type = ?") + NEWEST_FIRST + " LIMIT 1",
        ps -> {
          ps.setLong(1, jobId);
          if (trigger != null) {
            ps.setString(2, trigger.name());
          }
        },
        rs -> Jdbc.getNullableInstant(rs, 1));
  }

  /**
   * Deletes finished instances that finished before {@code cutoff}.
   *
   * @return how many were deleted
   */
  public int purgeFinishedBefore(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    return jdbc.update(
        "purge instances finished before " + cutoff,
        "DELETE FROM sx_job_instance WHERE " + FINISHED + " AND finished_at < ?",
        ps -> ps.setLong(1, cutoff.toEpochMilli()));
  }

  private static Optional<JobInstance> findRunLatest(
      Connection c, long jobId, Instant scheduleTime, int attempt) throws SQLException {
    return Jdbc.first(
        c,
        BY_RUN_LATEST,
        ps -> {
          ps.setLong(1, jobId);
          ps.setLong(2, scheduleTime.toEpochMilli());
          ps.setInt(3, attempt);
        },
        InstanceRepository::map);
  }

  /** What the database keeps of an instant: epoch milliseconds. */
  private static Instant millis(Instant instant) {
    return Instant.ofEpochMilli(instant.toEpochMilli());
  }

  private static JobInstance map(ResultSet rs) throws SQLException {
    return new JobInstance(
        rs.getLong("id"),
        rs.getLong("job_id"),
        rs.getString("group_id"),
        rs.getString("job_name"),
        Jdbc.getInstant(rs, "schedule_time"),
        TriggerType.valueOf(rs.getString("trigger_type")),
        InstanceState.fromValue(rs.getInt("state")),
        rs.getInt("attempt"),
        rs.getString("instance_parameters"),
        rs.getString("worker_id"),
        rs.getString("worker_addr"),
        rs.getString("result"),
        rs.getString("progress"),
        Jdbc.getInstant(rs, "created_at"),
        Jdbc.getNullableInstant(rs, "started_at"),
        Jdbc.getNullableInstant(rs, "finished_at"),
        rs.getBoolean("queued"));
  }
}
