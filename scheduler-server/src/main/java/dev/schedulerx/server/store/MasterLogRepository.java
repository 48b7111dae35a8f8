package dev.schedulerx.server.store;

import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The masters' operation logs of running Map/MapReduce/sharding instances ({@code sx_master_log}) and each
 * instance's master epoch. Segments are opaque to the server: it stores, orders and hands them back.
 */
public final class MasterLogRepository {
  /** What became of an append. */
  public enum Appended { STORED, ALREADY_STORED, FENCED }

  /** One stored segment. */
  public record Segment(int epoch, long seq, byte[] bytes) {}

  private static final String UNFINISHED = "state IN (" + InstanceState.unfinishedValuesSql() + ")";

  private final Jdbc jdbc;

  public MasterLogRepository(DataSource dataSource) {
    this.jdbc = new Jdbc(dataSource);
  }

  /**
   * Stores one segment of {@code epoch}'s log, under the lock of the instance's row: a segment of an epoch that
   * is no longer the instance's (its master was replaced) or of a finished instance is refused, however late it
   * arrives. A segment stored before (a re-sent one) is not stored twice.
   */
  public Appended append(long instanceId, int epoch, long seq, byte[] segment) {
    try {
      return jdbc.inTransaction(c -> {
        Optional<Integer> current = Jdbc.first(c,
            "SELECT master_epoch FROM sx_job_instance WHERE id = ? AND " + UNFINISHED + " FOR UPDATE",
            ps -> ps.setLong(1, instanceId), rs -> rs.getInt(1));
        if (current.isEmpty() || current.get() != epoch) {
          return Appended.FENCED;
        }
        if (Jdbc.first(c, "SELECT 1 FROM sx_master_log WHERE instance_id = ? AND epoch = ? AND seq = ?",
            ps -> bindKey(ps, instanceId, epoch, seq), rs -> 1).isPresent()) {
          return Appended.ALREADY_STORED;
        }
        Jdbc.update(c, "INSERT INTO sx_master_log (instance_id, epoch, seq, segment) VALUES (?, ?, ?, ?)", ps -> {
          bindKey(ps, instanceId, epoch, seq);
          ps.setBytes(4, segment);
        });
        return Appended.STORED;
      });
    } catch (SQLException e) {
      throw new StoreQueryException("append master log segment " + seq + " of instance " + instanceId, e);
    }
  }

  private static void bindKey(java.sql.PreparedStatement ps, long instanceId, int epoch, long seq) throws SQLException {
    ps.setLong(1, instanceId);
    ps.setInt(2, epoch);
    ps.setLong(3, seq);
  }

  /** Whether any master of the instance logged something: without a log there is nothing to resume from. */
  public boolean hasLog(long instanceId) {
    return jdbc.first("find master log of instance " + instanceId,
        "SELECT 1 FROM sx_master_log WHERE instance_id = ?", ps -> ps.setLong(1, instanceId), rs -> 1).isPresent();
  }

  /** The instance's current master epoch; empty when the instance does not exist. */
  public Optional<Integer> epoch(long instanceId) {
    return jdbc.first("read master epoch of instance " + instanceId,
        "SELECT master_epoch FROM sx_job_instance WHERE id = ?", ps -> ps.setLong(1, instanceId), rs -> rs.getInt(1));
  }

  /**
   * Makes {@code worker} the master of a running instance at epoch {@code from + 1}, if its epoch is still
   * {@code from} (one node, one resume); from then on appends of epoch {@code from} are refused.
   */
  public boolean promote(long instanceId, int from, String workerId, String workerAddr) {
    return jdbc.update("promote a new master of instance " + instanceId,
        "UPDATE sx_job_instance SET master_epoch = ?, worker_id = ?, worker_addr = ?"
            + " WHERE id = ? AND master_epoch = ? AND " + UNFINISHED,
        ps -> {
          ps.setInt(1, from + 1);
          ps.setString(2, workerId);
          ps.setString(3, workerAddr);
          ps.setLong(4, instanceId);
          ps.setInt(5, from);
        }) > 0;
  }

  /**
   * The stored segment that follows ({@code afterEpoch}, {@code afterSeq}) among those of the epochs before
   * {@code epoch}, in the order they were made (epoch, then seq). A reader stops an epoch at its first missing seq:
   * the log is the prefix of what its master decided.
   */
  public Optional<Segment> next(long instanceId, int epoch, int afterEpoch, long afterSeq) {
    return jdbc.first("read master log of instance " + instanceId,
        "SELECT epoch, seq, segment FROM sx_master_log WHERE instance_id = ? AND epoch < ?"
            + " AND (epoch > ? OR (epoch = ? AND seq > ?)) ORDER BY epoch, seq",
        ps -> {
          ps.setLong(1, instanceId);
          ps.setInt(2, epoch);
          ps.setInt(3, afterEpoch);
          ps.setInt(4, afterEpoch);
          ps.setLong(5, afterSeq);
        },
        rs -> new Segment(rs.getInt(1), rs.getLong(2), rs.getBytes(3)));
  }

  /** Running instances that had a master change, with their current master's {@code host:port}. */
  public java.util.Map<Long, String> resumedMasters() {
    java.util.Map<Long, String> masters = new java.util.HashMap<>();
    jdbc.list("read resumed instances",
        "SELECT id, worker_addr FROM sx_job_instance WHERE master_epoch > 0 AND worker_addr IS NOT NULL AND " + UNFINISHED,
        Jdbc.Binder.NONE, rs -> masters.put(rs.getLong(1), rs.getString(2)));
    return masters;
  }

  /** Drops the logs of instances that ended (or are gone); returns how many segments went. */
  public int deleteOfEnded() {
    return jdbc.update("delete master logs of ended instances",
        "DELETE FROM sx_master_log WHERE instance_id NOT IN (SELECT id FROM sx_job_instance WHERE " + UNFINISHED + ")",
        Jdbc.Binder.NONE);
  }

  /** Drops an instance's log (it ended). */
  public int delete(long instanceId) {
    return jdbc.update("delete master log of instance " + instanceId,
        "DELETE FROM sx_master_log WHERE instance_id = ?", ps -> ps.setLong(1, instanceId));
  }
}
