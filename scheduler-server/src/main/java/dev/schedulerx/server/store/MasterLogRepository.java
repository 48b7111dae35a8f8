package dev.schedulerx.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The masters' operation logs of running Map/MapReduce/sharding instances and each instance's master epoch.
 * Segments are opaque to the server: it stores, orders and hands them back. In a database several server nodes
 * share (PostgreSQL, MariaDB) they are rows of {@code sx_master_log}; with H2, which one node owns, they are files
 * under that node's data directory: as durable as the H2 file beside them, and written without growing H2's
 * in-memory write buffer by tens of megabytes per large instance (a 256 MB daemon ran out of heap that way).
 */
public final class MasterLogRepository {
  /** What became of an append. */
  public enum Appended { STORED, ALREADY_STORED, FENCED }

  /** One stored segment. */
  public record Segment(int epoch, long seq, byte[] bytes) {}

  private static final String UNFINISHED = InstanceRepository.UNFINISHED;
  private static final String STILL_UNFINISHED = InstanceRepository.STILL_UNFINISHED;

  private final Jdbc jdbc;
  /** Where segments are files (a database of one node), or null: rows of sx_master_log. */
  private final Path files;
  /** With files, an append's epoch check and its write, and a promotion, run under the instance's lock. */
  private final Map<Long, Object> locks = new ConcurrentHashMap<>();

  /** Segments as rows of the database. */
  public MasterLogRepository(DataSource dataSource) {
    this(dataSource, null);
  }

  /** @param files directory for the segments when the database belongs to this node only; null: in the database */
  public MasterLogRepository(DataSource dataSource, Path files) {
    this.jdbc = new Jdbc(dataSource);
    this.files = files;
  }

  private Object lock(long instanceId) {
    return locks.computeIfAbsent(instanceId, id -> new Object());
  }

  private Path dirOf(long instanceId) {
    return files.resolve(Long.toString(instanceId));
  }

  private static String fileName(int epoch, long seq) {
    return epoch + "-" + seq + ".seg";
  }

  /** The stored segments of an instance's directory, in (epoch, seq) order. */
  private List<long[]> listed(long instanceId) {
    List<long[]> keys = new ArrayList<>();
    try (Stream<Path> list = Files.list(dirOf(instanceId))) {
      list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".seg")).forEach(n -> {
        String[] parts = n.substring(0, n.length() - 4).split("-");
        keys.add(new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])});
      });
    } catch (NoSuchFileException e) {
      return keys;
    } catch (IOException e) {
      throw new UncheckedIOException("list master log of instance " + instanceId, e);
    }
    keys.sort(Comparator.<long[]>comparingLong(k -> k[0]).thenComparingLong(k -> k[1]));
    return keys;
  }

  private Appended appendFile(long instanceId, int epoch, long seq, byte[] segment) {
    synchronized (lock(instanceId)) {
      Optional<Integer> current = jdbc.first("read master epoch of instance " + instanceId,
          "SELECT master_epoch FROM sx_job_instance WHERE id = ? AND " + STILL_UNFINISHED, ps -> ps.setLong(1, instanceId),
          rs -> rs.getInt(1));
      if (current.isEmpty() || current.get() != epoch) {
        return Appended.FENCED;
      }
      Path target = dirOf(instanceId).resolve(fileName(epoch, seq));
      if (Files.exists(target)) {
        return Appended.ALREADY_STORED;
      }
      try {
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), "append", ".tmp");
        Files.write(temp, segment);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("append master log segment " + seq + " of instance " + instanceId, e);
      }
      return Appended.STORED;
    }
  }

  /**
   * Stores one segment of {@code epoch}'s log, under the lock of the instance's row: a segment of an epoch that
   * is no longer the instance's (its master was replaced) or of a finished instance is refused, however late it
   * arrives. A segment stored before (a re-sent one) is not stored twice.
   */
  public Appended append(long instanceId, int epoch, long seq, byte[] segment) {
    if (files != null) {
      return appendFile(instanceId, epoch, seq, segment);
    }
    try {
      return jdbc.inTransaction(c -> {
        Optional<Integer> current = Jdbc.first(c,
            "SELECT master_epoch FROM sx_job_instance WHERE id = ? AND " + STILL_UNFINISHED + " FOR UPDATE",
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
    if (files != null) {
      return !listed(instanceId).isEmpty();
    }
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
    if (files != null) {
      synchronized (lock(instanceId)) {
        return promoteRow(instanceId, from, workerId, workerAddr);
      }
    }
    return promoteRow(instanceId, from, workerId, workerAddr);
  }

  private boolean promoteRow(long instanceId, int from, String workerId, String workerAddr) {
    return jdbc.update("promote a new master of instance " + instanceId,
        "UPDATE sx_job_instance SET master_epoch = ?, worker_id = ?, worker_addr = ?"
            + " WHERE id = ? AND master_epoch = ? AND " + STILL_UNFINISHED,
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
    if (files != null) {
      for (long[] key : listed(instanceId)) {
        boolean after = key[0] > afterEpoch || (key[0] == afterEpoch && key[1] > afterSeq);
        if (key[0] < epoch && after) {
          try {
            return Optional.of(new Segment((int) key[0], key[1],
                Files.readAllBytes(dirOf(instanceId).resolve(fileName((int) key[0], key[1])))));
          } catch (IOException e) {
            throw new UncheckedIOException("read master log of instance " + instanceId, e);
          }
        }
      }
      return Optional.empty();
    }
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
    if (files != null) {
      java.util.Set<Long> running = new java.util.HashSet<>(jdbc.list("list running instances",
          "SELECT id FROM sx_job_instance WHERE " + UNFINISHED, Jdbc.Binder.NONE, rs -> rs.getLong(1)));
      int deleted = 0;
      try (Stream<Path> dirs = Files.list(files)) {
        for (Path dir : dirs.toList()) {
          String name = dir.getFileName().toString();
          if (name.matches("\\d+") && !running.contains(Long.parseLong(name))) {
            deleted += delete(Long.parseLong(name));
          }
        }
      } catch (NoSuchFileException e) {
        return 0;
      } catch (IOException e) {
        throw new UncheckedIOException("purge master logs", e);
      }
      return deleted;
    }
    return jdbc.update("delete master logs of ended instances",
        "DELETE FROM sx_master_log WHERE instance_id NOT IN (SELECT id FROM sx_job_instance WHERE " + UNFINISHED + ")",
        Jdbc.Binder.NONE);
  }

  /** Drops an instance's log (it ended). */
  public int delete(long instanceId) {
    if (files != null) {
      synchronized (lock(instanceId)) {
        List<long[]> keys = listed(instanceId);
        try {
          for (long[] key : keys) {
            Files.deleteIfExists(dirOf(instanceId).resolve(fileName((int) key[0], key[1])));
          }
          try (Stream<Path> left = Files.list(dirOf(instanceId))) {
            for (Path p : left.toList()) {
              Files.deleteIfExists(p); // a temp file of an append that did not finish
            }
          }
          Files.deleteIfExists(dirOf(instanceId));
        } catch (NoSuchFileException e) {
          // nothing was logged
        } catch (IOException e) {
          throw new UncheckedIOException("delete master log of instance " + instanceId, e);
        }
        locks.remove(instanceId);
        return keys.size();
      }
    }
    return jdbc.update("delete master log of instance " + instanceId,
        "DELETE FROM sx_master_log WHERE instance_id = ?", ps -> ps.setLong(1, instanceId));
  }
}
