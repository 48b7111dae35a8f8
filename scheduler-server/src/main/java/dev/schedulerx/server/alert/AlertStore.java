package dev.schedulerx.server.alert;

import dev.schedulerx.server.store.InstanceState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The alert tables (V7): one row per alert and target, claimed for sending by a conditional UPDATE, and each
 * job's failure streak; and what the leader's sweep reads of the instance tables. Plain JDBC; every method blocks
 * and runs on the alert executor, never on an actor thread.
 */
final class AlertStore {
  static final String PENDING = "PENDING";
  static final String SENDING = "SENDING";
  static final String SENT = "SENT";
  static final String FAILED = "FAILED";
  static final String SUPPRESSED = "SUPPRESSED";

  /** One delivery row. {@code address} is secret (a webhook URL or mail address from a job's contacts). */
  record Row(long id, String key, AlertKind kind, String target, String address, String groupId, Long jobId,
      String jobName, Long instanceId, String payload, String status, int attempts, Instant nextAttemptAt,
      String claimedBy, Instant claimUntil, Instant createdAt, Instant sentAt, String lastError, Long digestId) {}

  /** A new row to insert. */
  record NewRow(String key, AlertKind kind, String target, String address, String groupId, Long jobId, String jobName,
      Long instanceId, String payload) {}

  /** Suppressed rows of one target not yet summarised in a digest. */
  record Suppressed(String target, String address, int count, long maxId, Instant first) {}

  private static final String COLUMNS = "id, alert_key, kind, target, address, group_id, job_id, job_name, instance_id,"
      + " payload, status, attempts, next_attempt_at, claimed_by, claim_until, created_at, sent_at, last_error, digest_id";

  private final DataSource dataSource;

  AlertStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T with(String action, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new AlertStoreException(action, e);
    }
  }

  /** Inserts the row unless one with its key exists; the new id, or empty for a duplicate. */
  Optional<Long> insert(NewRow row, String status, Instant now) {
    return with("insert alert " + row.key(), c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO sx_alert (alert_key, kind, target, address, group_id, job_id, job_name, instance_id, payload,"
              + " status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
          Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, row.key());
        ps.setString(2, row.kind().name());
        ps.setString(3, row.target());
        ps.setString(4, row.address());
        ps.setString(5, row.groupId());
        setLong(ps, 6, row.jobId());
        ps.setString(7, row.jobName());
        setLong(ps, 8, row.instanceId());
        ps.setString(9, row.payload());
        ps.setString(10, status);
        ps.setLong(11, now.toEpochMilli());
        ps.setLong(12, now.toEpochMilli());
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          return keys.next() ? Optional.of(keys.getLong(1)) : Optional.of(-1L);
        }
      } catch (SQLException e) {
        if (isDuplicate(e)) {
          return Optional.empty();
        }
        throw e;
      }
    });
  }

  /**
   * Rows ready to send: pending and due, or being sent by a node whose claim expired. Oldest first. Two queries
   * that each read the status index: one with an OR between them made the databases read the whole table, once per
   * delivery round (with a dead target and a busy job, hundreds of rounds a second over a growing table).
   */
  List<Row> due(Instant now, int limit) {
    return with("find due alerts", c -> {
      List<Row> rows = new ArrayList<>(list(c,
          "SELECT " + COLUMNS + " FROM sx_alert WHERE status = 'PENDING' AND next_attempt_at <= ? ORDER BY next_attempt_at",
          ps -> {
            ps.setLong(1, now.toEpochMilli());
            ps.setMaxRows(limit);
          }));
      rows.addAll(list(c, "SELECT " + COLUMNS + " FROM sx_alert WHERE status = 'SENDING' AND claim_until < ?",
          ps -> {
            ps.setLong(1, now.toEpochMilli());
            ps.setMaxRows(limit);
          }));
      rows.sort(java.util.Comparator.comparingLong(Row::id));
      return rows.size() > limit ? rows.subList(0, limit) : rows;
    });
  }

  /** Claims a due row for {@code node} until {@code until}; true when this call won it. */
  boolean claim(long id, String node, Instant now, Instant until) {
    return update("claim alert " + id,
        "UPDATE sx_alert SET status = 'SENDING', claimed_by = ?, claim_until = ? WHERE id = ?"
            + " AND ((status = 'PENDING' AND next_attempt_at <= ?) OR (status = 'SENDING' AND claim_until < ?))",
        ps -> {
          ps.setString(1, node);
          ps.setLong(2, until.toEpochMilli());
          ps.setLong(3, id);
          ps.setLong(4, now.toEpochMilli());
          ps.setLong(5, now.toEpochMilli());
        }) > 0;
  }

  /** Ends a claimed row; only the claim holder can (a node that lost its claim changes nothing). */
  boolean settle(long id, String node, String status, Instant now, boolean countAttempt, Instant nextAttemptAt, String error) {
    return update("record alert " + id + " " + status,
        "UPDATE sx_alert SET status = ?, attempts = attempts + ?, sent_at = ?, next_attempt_at = ?, last_error = ?,"
            + " claimed_by = NULL, claim_until = NULL WHERE id = ? AND status = 'SENDING' AND claimed_by = ?",
        ps -> {
          ps.setString(1, status);
          ps.setInt(2, countAttempt ? 1 : 0);
          if (SENT.equals(status)) {
            ps.setLong(3, now.toEpochMilli());
          } else {
            ps.setNull(3, Types.BIGINT);
          }
          ps.setLong(4, (nextAttemptAt == null ? now : nextAttemptAt).toEpochMilli());
          ps.setString(5, error == null ? null : error.length() > 1000 ? error.substring(0, 997) + "..." : error);
          ps.setLong(6, id);
          ps.setString(7, node);
        }) > 0;
  }

  /** Messages sent to {@code target} since {@code since}: what its rate limit counts. */
  int sentSince(String target, Instant since) {
    return with("count sent alerts", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COUNT(*) FROM sx_alert WHERE target = ? AND sent_at >= ?")) {
        ps.setString(1, target);
        ps.setLong(2, since.toEpochMilli());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      }
    });
  }

  /** Per target, the suppressed rows no digest covers yet. */
  List<Suppressed> undigested() {
    return with("find suppressed alerts", c -> {
      List<Suppressed> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT target, MAX(address), COUNT(*), MAX(id), MIN(created_at) FROM sx_alert"
              + " WHERE status = 'SUPPRESSED' AND digest_id IS NULL GROUP BY target");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Suppressed(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4),
              Instant.ofEpochMilli(rs.getLong(5))));
        }
      }
      return out;
    });
  }

  /** What the suppressed rows of a target up to {@code maxId} were: "kind job" with counts, most first. */
  List<String> suppressedSummary(String target, long maxId) {
    return with("summarise suppressed alerts", c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT kind, job_name, COUNT(*) FROM sx_alert WHERE target = ? AND status = 'SUPPRESSED' AND digest_id IS NULL"
              + " AND id <= ? GROUP BY kind, job_name ORDER BY COUNT(*) DESC")) {
        ps.setString(1, target);
        ps.setLong(2, maxId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next() && out.size() < 20) {
            String subject = rs.getString(2);
            out.add(rs.getInt(3) + " x " + rs.getString(1) + (subject == null ? ""
                : (subject.startsWith("workflow ") ? " of " : " of job ") + subject));
          }
        }
      }
      return out;
    });
  }

  /** Marks the suppressed rows of {@code target} up to {@code maxId} as summarised by digest {@code digestId}. */
  int markDigested(String target, long maxId, long digestId) {
    return update("mark alerts digested",
        "UPDATE sx_alert SET digest_id = ? WHERE target = ? AND status = 'SUPPRESSED' AND digest_id IS NULL AND id <= ?",
        ps -> {
          ps.setLong(1, digestId);
          ps.setString(2, target);
          ps.setLong(3, maxId);
        });
  }

  /** Whether a digest to {@code target} waits to be sent: the next suppressed rows wait for the one after it. */
  boolean digestWaiting(String target) {
    return with("find waiting digest", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT 1 FROM sx_alert WHERE target = ? AND kind = 'DIGEST' AND status IN ('PENDING', 'SENDING')")) {
        ps.setString(1, target);
        ps.setMaxRows(1);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  Optional<Long> idOfKey(String key) {
    return with("find alert " + key, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM sx_alert WHERE alert_key = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
        }
      }
    });
  }

  /** Newest first, optionally only of one job, one status, one kind. */
  List<Row> recent(int limit, Long jobId, String status, String kind) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM sx_alert WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (jobId != null) {
      sql.append(" AND job_id = ?");
      args.add(jobId);
    }
    if (status != null) {
      sql.append(" AND status = ?");
      args.add(status);
    }
    if (kind != null) {
      sql.append(" AND kind = ?");
      args.add(kind);
    }
    sql.append(" ORDER BY id DESC");
    return with("list alerts", c -> list(c, sql.toString(), ps -> {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      ps.setMaxRows(limit);
    }));
  }

  Optional<Row> byId(long id) {
    return with("read alert " + id, c -> list(c, "SELECT " + COLUMNS + " FROM sx_alert WHERE id = ?", ps -> ps.setLong(1, id)))
        .stream().findFirst();
  }

  /** Failures in a row of the job, and whether that streak was alerted; (0, false) when none is stored. */
  record Streak(int failures, boolean alerted) {
    static final Streak NONE = new Streak(0, false);
  }

  Streak streak(long jobId) {
    return with("read streak of job " + jobId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT failures, alerted FROM sx_alert_streak WHERE job_id = ?")) {
        ps.setLong(1, jobId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? new Streak(rs.getInt(1), rs.getBoolean(2)) : Streak.NONE;
        }
      }
    });
  }

  void saveStreak(long jobId, Streak streak, Instant now) {
    with("save streak of job " + jobId, c -> {
      int n;
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE sx_alert_streak SET failures = ?, alerted = ?, updated_at = ? WHERE job_id = ?")) {
        ps.setInt(1, streak.failures());
        ps.setBoolean(2, streak.alerted());
        ps.setLong(3, now.toEpochMilli());
        ps.setLong(4, jobId);
        n = ps.executeUpdate();
      }
      if (n == 0) {
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO sx_alert_streak (job_id, failures, alerted, updated_at) VALUES (?, ?, ?, ?)")) {
          ps.setLong(1, jobId);
          ps.setInt(2, streak.failures());
          ps.setBoolean(3, streak.alerted());
          ps.setLong(4, now.toEpochMilli());
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  // ---- the leader's sweep (reads the instance tables it sweeps; the rest of the alert tables' users do not) ----

  /** A job instance that ended, as the sweep lists it. */
  record Ended(long instanceId, long jobId, InstanceState state, Instant finishedAt) {}

  /** Job instances that ended SUCCESS or FAILED in {@code [from, to)}, in the order they ended, at most {@code limit}. */
  List<Ended> endedInstances(Instant from, Instant to, int limit) {
    return with("list ended instances", c -> {
      List<Ended> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, job_id, state, finished_at FROM sx_job_instance"
          + " WHERE finished_at >= ? AND finished_at < ? AND state IN (?, ?) ORDER BY finished_at, id")) {
        ps.setLong(1, from.toEpochMilli());
        ps.setLong(2, to.toEpochMilli());
        ps.setInt(3, InstanceState.SUCCESS.value());
        ps.setInt(4, InstanceState.FAILED.value());
        ps.setMaxRows(limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Ended(rs.getLong(1), rs.getLong(2), InstanceState.fromValue(rs.getInt(3)),
                Instant.ofEpochMilli(rs.getLong(4))));
          }
        }
      }
      return out;
    });
  }

  /** Workflow runs that ended FAILED in {@code [from, to)}, oldest first, at most {@code limit}. */
  List<Long> failedWorkflowRuns(Instant from, Instant to, int limit) {
    return with("list failed workflow runs", c -> {
      List<Long> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM sx_wf_instance"
          + " WHERE state = ? AND finished_at >= ? AND finished_at < ? ORDER BY id")) {
        ps.setInt(1, InstanceState.FAILED.value());
        ps.setLong(2, from.toEpochMilli());
        ps.setLong(3, to.toEpochMilli());
        ps.setMaxRows(limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getLong(1));
          }
        }
      }
      return out;
    });
  }

  /** The keys (without their target) of the alerts stored since {@code since}. */
  java.util.Set<String> alertKeysSince(Instant since) {
    return with("list alert keys", c -> {
      java.util.Set<String> out = new java.util.HashSet<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT alert_key FROM sx_alert WHERE created_at >= ?")) {
        ps.setLong(1, since.toEpochMilli());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String key = rs.getString(1);
            int at = key.indexOf('@'); // an alert's own key has none; a target (mail:a@b) may
            out.add(at < 0 ? key : key.substring(0, at));
          }
        }
      }
      return out;
    });
  }

  /** Channels defined through the API: name to the stored spec JSON. */
  java.util.Map<String, String> apiChannels() {
    return with("list alert channels", c -> {
      java.util.Map<String, String> out = new java.util.TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT channel_name, settings FROM sx_alert_channel");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
      return out;
    });
  }

  /** Creates or replaces an API channel. */
  void putChannel(String name, String specJson, Instant now) {
    with("save alert channel " + name, c -> {
      int n;
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE sx_alert_channel SET settings = ?, updated_at = ? WHERE channel_name = ?")) {
        ps.setString(1, specJson);
        ps.setLong(2, now.toEpochMilli());
        ps.setString(3, name);
        n = ps.executeUpdate();
      }
      if (n == 0) {
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO sx_alert_channel (channel_name, settings, updated_at) VALUES (?, ?, ?)")) {
          ps.setString(1, name);
          ps.setString(2, specJson);
          ps.setLong(3, now.toEpochMilli());
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  boolean deleteChannel(String name) {
    return update("delete alert channel " + name, "DELETE FROM sx_alert_channel WHERE channel_name = ?",
        ps -> ps.setString(1, name)) > 0;
  }

  /** Deletes rows older than {@code before} (history retention). */
  int purge(Instant before) {
    return update("purge alerts", "DELETE FROM sx_alert WHERE created_at < ? AND status IN ('SENT', 'FAILED', 'SUPPRESSED')",
        ps -> ps.setLong(1, before.toEpochMilli()));
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private int update(String action, String sql, Binder binder) {
    return with(action, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        binder.bind(ps);
        return ps.executeUpdate();
      }
    });
  }

  private static List<Row> list(Connection c, String sql, Binder binder) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new Row(rs.getLong(1), rs.getString(2), AlertKind.valueOf(rs.getString(3)), rs.getString(4),
              rs.getString(5), rs.getString(6), longOrNull(rs, 7), rs.getString(8), longOrNull(rs, 9), rs.getString(10),
              rs.getString(11), rs.getInt(12), instant(rs, 13), rs.getString(14), instant(rs, 15), instant(rs, 16),
              instant(rs, 17), rs.getString(18), longOrNull(rs, 19)));
        }
      }
    }
    return rows;
  }

  private static Long longOrNull(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : v;
  }

  private static Instant instant(ResultSet rs, int i) throws SQLException {
    Long v = longOrNull(rs, i);
    return v == null ? null : Instant.ofEpochMilli(v);
  }

  private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }

  private static boolean isDuplicate(SQLException e) {
    return e instanceof java.sql.SQLIntegrityConstraintViolationException
        || (e.getSQLState() != null && e.getSQLState().startsWith("23"));
  }

  /** A failed query, naming what was being done. */
  static final class AlertStoreException extends RuntimeException {
    AlertStoreException(String action, SQLException e) {
      super(action + " failed: " + (e.getSQLState() == null ? "" : "[" + e.getSQLState() + "] ") + e.getMessage(), e);
    }
  }
}
