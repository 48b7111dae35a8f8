package dev.schedulerx.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Log lines of job instances in {@code sx_instance_log}, numbered 1, 2, 3… per instance ({@code seq}).
 * Numbers are assigned in the inserting transaction as {@code MAX(seq) + 1}; the primary key {@code
 * (instance_id, seq)} refuses a concurrent batch that read the same maximum, and that batch is retried. So
 * lines become visible in seq order and a reader asking for "after N" never misses one, even with several
 * server nodes on one database. Lines go with their instance (foreign key, ON DELETE CASCADE).
 */
public final class LogRepository {
  /** Longer messages are cut (the column holds this many characters on every database). */
  public static final int MAX_MESSAGE_LENGTH = 4000;
  /** Longer worker ids and logger names are cut. */
  public static final int MAX_NAME_LENGTH = 255;
  /** Longer level names are cut. */
  static final int MAX_LEVEL_LENGTH = 8;
  /** How often a batch is retried when another one took its numbers. */
  static final int APPEND_ATTEMPTS = 8;

  /** A line as a worker sends it; the server numbers it. */
  public record NewLine(Instant time, long taskId, String level, String logger, String message) {
    public NewLine {
      Objects.requireNonNull(time, "time");
    }
  }

  /** A stored line. */
  public record LogLine(long seq, Instant time, String worker, long taskId, String level, String logger, String message) {}

  private final Jdbc jdbc;

  public LogRepository(DataSource dataSource) {
    this.jdbc = new Jdbc(dataSource);
  }

  /**
   * Appends {@code lines} of {@code worker} to an instance's log, in the given order.
   *
   * @return false when there is no such instance (never created, or purged)
   * @throws StoreQueryException when the database fails, or other batches kept taking the numbers
   */
  public boolean append(long instanceId, String worker, List<NewLine> lines) {
    Objects.requireNonNull(worker, "worker");
    if (lines.isEmpty()) {
      return exists(instanceId);
    }
    String action = "append " + lines.size() + " log line(s) to instance " + instanceId;
    SQLException last = null;
    for (int attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
      try {
        return jdbc.inTransaction(c -> appendOnce(c, instanceId, worker, lines));
      } catch (SQLException e) {
        if (!SqlErrors.isConstraintViolation(e) && !SqlErrors.isTransient(e)) {
          throw new StoreQueryException(action, e);
        }
        last = e; // another batch took these numbers, or the instance went away meanwhile: look again
      }
    }
    throw new StoreQueryException(action, last);
  }

  private static boolean appendOnce(Connection c, long instanceId, String worker, List<NewLine> lines) throws SQLException {
    // Locking the instance's row makes concurrent batches of one instance take their numbers in turn instead
    // of colliding on them (and running out of retries under load); batches of other instances are not held up.
    if (!Jdbc.first(c, "SELECT id FROM sx_job_instance WHERE id = ? FOR UPDATE", ps -> ps.setLong(1, instanceId), rs -> true).isPresent()) {
      return false;
    }
    long max =
        Jdbc.first(c, "SELECT MAX(seq) FROM sx_instance_log WHERE instance_id = ?", ps -> ps.setLong(1, instanceId), rs -> rs.getLong(1))
            .orElse(0L);
    String storedWorker = Texts.truncate(Texts.storable(worker), MAX_NAME_LENGTH);
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO sx_instance_log (instance_id, seq, log_time, worker_id, task_id, log_level, logger_name, message)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      long seq = max;
      for (NewLine line : lines) {
        ps.setLong(1, instanceId);
        ps.setLong(2, ++seq);
        ps.setLong(3, line.time().toEpochMilli());
        ps.setString(4, storedWorker);
        ps.setLong(5, line.taskId());
        ps.setString(6, Texts.truncate(Texts.storable(Texts.orEmpty(line.level())), MAX_LEVEL_LENGTH));
        ps.setString(7, Texts.truncate(Texts.storable(Texts.orEmpty(line.logger())), MAX_NAME_LENGTH));
        ps.setString(8, Texts.truncate(Texts.storable(Texts.orEmpty(line.message())), MAX_MESSAGE_LENGTH));
        ps.addBatch();
      }
      ps.executeBatch();
    }
    return true;
  }

  /** Lines with {@code seq > afterSeq}, oldest first, at most {@code limit}. */
  public List<LogLine> after(long instanceId, long afterSeq, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    return jdbc.withConnection(
        "read log of instance " + instanceId,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, log_time, worker_id, task_id, log_level, logger_name, message FROM sx_instance_log"
                      + " WHERE instance_id = ? AND seq > ? ORDER BY seq")) {
            ps.setLong(1, instanceId);
            ps.setLong(2, afterSeq);
            ps.setMaxRows(limit);
            try (var rs = ps.executeQuery()) {
              List<LogLine> lines = new java.util.ArrayList<>();
              while (rs.next()) {
                lines.add(
                    new LogLine(
                        rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getLong(4), rs.getString(5),
                        rs.getString(6), rs.getString(7)));
              }
              return lines;
            }
          }
        });
  }

  /**
   * A page of the instance's lines, optionally only those logged in {@code [from, to]} and containing {@code
   * keyword}: oldest first, or newest first when {@code newestFirst}; {@code offset} lines of that order skipped.
   */
  public List<LogLine> find(long instanceId, Instant from, Instant to, String keyword, int offset, int limit,
      boolean newestFirst) {
    if (limit < 1 || offset < 0) {
      throw new IllegalArgumentException("limit must be at least 1 and offset not negative, were " + limit + ", " + offset);
    }
    StringBuilder where = new StringBuilder(" WHERE instance_id = ?");
    if (from != null) {
      where.append(" AND log_time >= ?");
    }
    if (to != null) {
      where.append(" AND log_time <= ?");
    }
    boolean filtered = keyword != null && !keyword.isEmpty();
    if (filtered) {
      where.append(" AND message LIKE ? ESCAPE '!'");
    }
    return jdbc.list(
        "read log of instance " + instanceId,
        "SELECT seq, log_time, worker_id, task_id, log_level, logger_name, message FROM sx_instance_log" + where
            + " ORDER BY seq" + (newestFirst ? " DESC" : "") + " LIMIT ? OFFSET ?",
        ps -> {
          int i = 1;
          ps.setLong(i++, instanceId);
          if (from != null) {
            ps.setLong(i++, from.toEpochMilli());
          }
          if (to != null) {
            ps.setLong(i++, to.toEpochMilli());
          }
          if (filtered) {
            ps.setString(i++, "%" + keyword.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
          }
          ps.setInt(i++, limit);
          ps.setInt(i, offset);
        },
        rs -> new LogLine(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getLong(4),
            rs.getString(5), rs.getString(6), rs.getString(7)));
  }

  /** Whether the instance exists, i.e. whether its log can be read or written. */
  public boolean exists(long instanceId) {
    return jdbc.withConnection("find instance " + instanceId, c -> exists(c, instanceId));
  }

  private static boolean exists(Connection c, long instanceId) throws SQLException {
    return Jdbc.first(c, "SELECT 1 FROM sx_job_instance WHERE id = ?", ps -> ps.setLong(1, instanceId), rs -> true).isPresent();
  }
}
