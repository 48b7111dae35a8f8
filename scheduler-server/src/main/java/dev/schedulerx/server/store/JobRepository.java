package dev.schedulerx.server.store;

import dev.schedulerx.job.schedule.TimeType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
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
 * Stores {@link JobDefinition}s in {@code sx_job}. Upsert is portable (no vendor upsert syntax):
 * update by {@code groupId + name}, insert when nothing was updated, and when a concurrent writer
 * inserted the same job first, retry in a new transaction, where the update now finds it.
 */
public final class JobRepository {
  private static final Logger log = LoggerFactory.getLogger(JobRepository.class);
  private static final int UPSERT_ATTEMPTS = 3;

  private static final String COLUMNS =
      "id, group_id, job_name, processor, execute_mode, parameters, time_type, time_expression,"
          + " time_zone, max_attempt, attempt_interval_s, task_max_attempt,"
          + " task_attempt_interval_s, timeout_s, max_concurrency, enabled, xattrs, description,"
          + " concurrency_policy, job_type, content, monitor_config, contact, priority, designate_type,"
          + " designate_transferable, designate_targets";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM sx_job";

  /** The updatable fields, in the order {@link #bindFields} binds them. */
  private static final String SET_FIELDS =
      "processor = ?, execute_mode = ?, parameters = ?, time_type = ?, time_expression = ?,"
          + " time_zone = ?, max_attempt = ?, attempt_interval_s = ?, task_max_attempt = ?,"
          + " task_attempt_interval_s = ?, timeout_s = ?, max_concurrency = ?, enabled = ?, xattrs"
          + " = ?, description = ?, concurrency_policy = ?, job_type = ?, content = ?, monitor_config = ?,"
          + " contact = ?, priority = ?";

  private static final String UPDATE_BY_NAME =
      "UPDATE sx_job SET " + SET_FIELDS + " WHERE group_id = ? AND job_name = ?";
  private static final String UPDATE_BY_ID =
      "UPDATE sx_job SET group_id = ?, job_name = ?, " + SET_FIELDS + " WHERE id = ?";
  private static final String INSERT =
      "INSERT INTO sx_job (group_id, job_name, processor, execute_mode, parameters, time_type,"
          + " time_expression, time_zone, max_attempt, attempt_interval_s, task_max_attempt,"
          + " task_attempt_interval_s, timeout_s, max_concurrency, enabled, xattrs, description,"
          + " concurrency_policy, job_type, content, monitor_config, contact, priority)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String BY_NAME = SELECT + " WHERE group_id = ? AND job_name = ?";

  private static final int MAX_CACHED_NAMES = 10_000;

  /** Jobs by name as read at {@code readAt} (epoch ms), when the write count was {@code writes}. */
  private record Named(List<JobDefinition> jobs, long writes, long readAt) {}

  private final Jdbc jdbc;
  private final Clock clock;
  private final long cacheForMillis;
  private final Map<String, Named> named = new ConcurrentHashMap<>();
  /** Writes through this repository so far, counted when each is over. */
  private final AtomicLong writes = new AtomicLong();

  /** A repository that caches nothing. */
  public JobRepository(DataSource dataSource) {
    this(dataSource, Clock.systemUTC(), Duration.ZERO);
  }

  /** A repository whose {@link #findAllNamedCached} answers from memory for up to {@code cacheFor}. */
  public JobRepository(DataSource dataSource, Clock clock, Duration cacheFor) {
    this.jdbc = new Jdbc(dataSource);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.cacheForMillis = cacheFor.toMillis();
  }

  /**
   * Creates the job or updates the one with the same {@code groupId + name}; {@code job.id()} is
   * ignored. An update keeps the stored id.
   *
   * @return the stored job, with its id
   * @throws StoreConflictException when concurrent writers kept colliding
   */
  public JobDefinition upsert(JobDefinition job) {
    try (Written written = new Written()) {
      return upsertRetrying(job);
    }
  }

  private JobDefinition upsertRetrying(JobDefinition job) {
    Objects.requireNonNull(job, "job");
    String action = "upsert job " + job.groupId() + "/" + job.name();
    SQLException last = null;
    for (int attempt = 1; attempt <= UPSERT_ATTEMPTS; attempt++) {
      try {
        return jdbc.inTransaction(c -> upsertOnce(c, job));
      } catch (SQLException e) {
        if (!SqlErrors.isConstraintViolation(e) && !SqlErrors.isTransient(e)) {
          throw new StoreQueryException(action, e);
        }
        log.debug(
            "{}: attempt {} collided with a concurrent writer ({}), retrying",
            action,
            attempt,
            SqlErrors.describe(e));
        last = e;
      }
    }
    throw new StoreConflictException(
        "could not "
            + action
            + " after "
            + UPSERT_ATTEMPTS
            + " attempts: "
            + SqlErrors.describe(last),
        last);
  }

  /**
   * Updates every field, name included, of the job with {@code job.id()}: for renames, which {@link
   * #upsert} cannot express.
   *
   * @return false when no job has that id
   * @throws StoreConflictException when another job in the group already has the new name
   */
  public boolean update(JobDefinition job) {
    Objects.requireNonNull(job, "job");
    String action = "update job " + job.id();
    try (Written w = new Written()) {
      return jdbc.inTransaction(
              c ->
                  Jdbc.update(
                      c,
                      UPDATE_BY_ID,
                      ps -> {
                        ps.setString(1, job.groupId());
                        ps.setString(2, job.name());
                        int next = bindFields(ps, 3, job);
                        ps.setLong(next, job.id());
                      }))
          > 0;
    } catch (SQLException e) {
      if (SqlErrors.isConstraintViolation(e)) {
        throw new StoreConflictException(
            "could not " + action + ": job " + job.groupId() + "/" + job.name() + " already exists",
            e);
      }
      throw new StoreQueryException(action, e);
    }
  }

  public Optional<JobDefinition> findById(long id) {
    return jdbc.first(
        "find job " + id, SELECT + " WHERE id = ?", ps -> ps.setLong(1, id), JobRepository::map);
  }

  /**
   * The jobs of these ids that exist, by id: one connection, and one query per {@value #IDS_PER_QUERY} ids (a
   * workflow's fan-out).
   */
  public Map<Long, JobDefinition> findByIds(Collection<Long> ids) {
    List<Long> distinct = List.copyOf(new LinkedHashSet<>(ids));
    return jdbc.withConnection("find " + distinct.size() + " jobs", c -> {
      Map<Long, JobDefinition> found = new HashMap<>();
      // A query per slice of ids, not per id: a workflow's fan-out reads a thousand jobs before its first child starts.
      for (int from = 0; from < distinct.size(); from += IDS_PER_QUERY) {
        List<Long> slice = distinct.subList(from, Math.min(distinct.size(), from + IDS_PER_QUERY));
        String in = String.join(", ", Collections.nCopies(slice.size(), "?"));
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id IN (" + in + ")")) {
          for (int i = 0; i < slice.size(); i++) {
            ps.setLong(i + 1, slice.get(i));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              JobDefinition job = map(rs);
              found.put(job.id(), job);
            }
          }
        }
      }
      return found;
    });
  }

  /** Ids bound in one {@link #findByIds} query: well under every supported database's limit on parameters. */
  private static final int IDS_PER_QUERY = 500;

  public Optional<JobDefinition> findByName(String groupId, String name) {
    return jdbc.first(
        "find job " + groupId + "/" + name,
        BY_NAME,
        ps -> {
          ps.setString(1, groupId);
          ps.setString(2, name);
        },
        JobRepository::map);
  }

  /** The jobs of that name, one per group at most, ordered by group. */
  public List<JobDefinition> findAllNamed(String name) {
    return jdbc.list(
        "find jobs named " + name,
        SELECT + " WHERE job_name = ? ORDER BY group_id",
        ps -> ps.setString(1, name),
        JobRepository::map);
  }

  /** Every job, ordered by group, then name. */
  public List<JobDefinition> findAll() {
    return jdbc.list(
        "list jobs", SELECT + " ORDER BY group_id, job_name", Jdbc.Binder.NONE, JobRepository::map);
  }

  /**
   * Pins the job to workers or labels ({@link Designation#NONE}: any worker). Kept apart from {@link #upsert} and
   * {@link #update}, which replace a job's definition from a spec that does not carry its designation.
   *
   * @return false when no job has that id
   */
  public boolean setDesignation(long id, Designation designation) {
    try (Written w = new Written()) {
      return jdbc.update("designate workers of job " + id,
          "UPDATE sx_job SET designate_type = ?, designate_transferable = ?, designate_targets = ? WHERE id = ?",
          ps -> {
            ps.setInt(1, designation.type());
            ps.setBoolean(2, designation.transferable());
            ps.setString(3, designation.targetsText());
            ps.setLong(4, id);
          }) > 0;
    }
  }

  /**
   * @return false when no job has that id
   */
  public boolean setEnabled(long id, boolean enabled) {
    try (Written w = new Written()) {
      return jdbc.update(
            (enabled ? "enable" : "disable") + " job " + id,
            "UPDATE sx_job SET enabled = ? WHERE id = ?",
            ps -> {
              ps.setBoolean(1, enabled);
              ps.setLong(2, id);
            })
          > 0;
    }
  }

  /**
   * Deletes the job and, through the foreign key, all its instances.
   *
   * @return false when no job has that id
   */
  public boolean delete(long id) {
    try (Written w = new Written()) {
      return jdbc.update("delete job " + id, "DELETE FROM sx_job WHERE id = ?", ps -> ps.setLong(1, id)) > 0;
    }
  }

  /**
   * As {@link #findAllNamed}, answered from memory when this repository read it less than {@code cacheFor}
   * (constructor) ago and wrote no job since: for the API run route, which would otherwise read the job once per
   * trigger. A change made on another server node is seen after at most {@code cacheFor}, as the due-pass sees it.
   */
  public List<JobDefinition> findAllNamedCached(String name) {
    long now = clock.millis();
    Named hit = named.get(name);
    long writesBefore = writes.get();
    if (hit != null && hit.writes() == writesBefore && now - hit.readAt() < cacheForMillis) {
      return hit.jobs();
    }
    List<JobDefinition> found = findAllNamed(name);
    if (cacheForMillis > 0) {
      if (named.size() >= MAX_CACHED_NAMES) {
        named.clear(); // many names triggered by API: start over rather than grow
      }
      named.put(name, new Named(List.copyOf(found), writesBefore, now));
    }
    return found;
  }

  /**
   * Around each write: counts it when it is over (committed or not), so no cached read from before it is used
   * after it (a read notes the count before it queries).
   */
  private final class Written implements AutoCloseable {
    @Override
    public void close() {
      writes.incrementAndGet();
    }
  }

  private static JobDefinition upsertOnce(Connection c, JobDefinition job) throws SQLException {
    Jdbc.Binder byName =
        ps -> {
          ps.setString(1, job.groupId());
          ps.setString(2, job.name());
        };
    int updated =
        Jdbc.update(
            c,
            UPDATE_BY_NAME,
            ps -> {
              int next = bindFields(ps, 1, job);
              ps.setString(next, job.groupId());
              ps.setString(next + 1, job.name());
            });
    if (updated == 0) {
      Jdbc.update(
          c,
          INSERT,
          ps -> {
            ps.setString(1, job.groupId());
            ps.setString(2, job.name());
            bindFields(ps, 3, job);
          });
    }
    return Jdbc.first(c, BY_NAME, byName, JobRepository::map)
        .orElseThrow(
            () -> new SQLException("job " + job.groupId() + "/" + job.name() + " vanished"));
  }

  /** Binds the fields of {@link #SET_FIELDS} from {@code index} on; returns the next free index. */
  private static int bindFields(PreparedStatement ps, int index, JobDefinition job)
      throws SQLException {
    int i = index;
    ps.setString(i++, job.processor());
    ps.setString(i++, job.executeMode());
    ps.setString(i++, job.parameters());
    ps.setInt(i++, job.timeType().value());
    ps.setString(i++, job.timeExpression());
    ps.setString(i++, job.timeZone());
    ps.setInt(i++, job.maxAttempt());
    ps.setInt(i++, job.attemptIntervalSeconds());
    ps.setInt(i++, job.taskMaxAttempt());
    ps.setInt(i++, job.taskAttemptIntervalSeconds());
    ps.setLong(i++, job.timeoutSeconds());
    ps.setInt(i++, job.maxConcurrency());
    ps.setBoolean(i++, job.enabled());
    ps.setString(i++, job.xattrs());
    ps.setString(i++, job.description());
    ps.setString(i++, job.concurrencyPolicy());
    ps.setString(i++, job.jobType());
    ps.setString(i++, job.content());
    ps.setString(i++, job.monitorConfig());
    ps.setString(i++, job.contact());
    if (job.priority() == null) {
      ps.setNull(i++, java.sql.Types.INTEGER);
    } else {
      ps.setInt(i++, job.priority());
    }
    return i;
  }

  private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }

  private static JobDefinition map(ResultSet rs) throws SQLException {
    return new JobDefinition(
        rs.getLong("id"),
        rs.getString("group_id"),
        rs.getString("job_name"),
        rs.getString("processor"),
        rs.getString("execute_mode"),
        rs.getString("parameters"),
        TimeType.fromValue(rs.getInt("time_type")),
        rs.getString("time_expression"),
        rs.getString("time_zone"),
        rs.getInt("max_attempt"),
        rs.getInt("attempt_interval_s"),
        rs.getInt("task_max_attempt"),
        rs.getInt("task_attempt_interval_s"),
        rs.getLong("timeout_s"),
        rs.getInt("max_concurrency"),
        rs.getBoolean("enabled"),
        rs.getString("xattrs"),
        rs.getString("description"),
        rs.getString("concurrency_policy"),
        rs.getString("job_type"),
        rs.getString("content"),
        rs.getString("monitor_config"),
        rs.getString("contact"),
        nullableInt(rs, "priority"),
        Designation.of(rs.getInt("designate_type"), rs.getBoolean("designate_transferable"), rs.getString("designate_targets")));
  }
}
