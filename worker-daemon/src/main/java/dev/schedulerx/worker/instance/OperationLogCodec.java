package dev.schedulerx.worker.instance;

import dev.schedulerx.api.TaskStatus;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * The records of a master's operation log and their bytes. Records are appended in the order the master
 * decided them, so every prefix of the log is a state the master was in: a task's creation precedes its final
 * status, and a parent's final status follows every sub-task its map() created. A segment is a run of whole
 * records, deflated.
 *
 * <pre>
 * NAME    1, int nameId, UTF name               (before the first CREATE using it, once per epoch)
 * CREATE  2, long parent (-1: none), int nameId, int length, body, long hash (of the parent's bodies so far)
 * FINAL   3, long taskId, byte status, int length, UTF-8 result
 * REDUCE  4                                      (reduce is about to run)
 * SETTLE  5                                      (the master is about to report the end; nothing to replay)
 * </pre>
 */
final class OperationLogCodec {
  static final byte NAME = 1;
  static final byte CREATE = 2;
  static final byte FINAL = 3;
  static final byte REDUCE = 4;
  static final byte SETTLE = 5;

  /** What replaying a log does with its records. */
  interface Replay {
    void created(long parent, String name, byte[] body, long hash);

    void finished(long taskId, TaskStatus status, String result);

    void reduceStarted();
  }

  private OperationLogCodec() {}

  /**
   * Appends records to a growing buffer, remembering where each one ends (segments are cut between records).
   * Written by the master actor for every sub-task created and finished, so plain array writes: no locks, no
   * boxing.
   */
  static final class Records {
    private byte[] buf;
    private int count;
    private int[] ends = new int[4096];
    private int records;
    private int finals;

    /** @param capacity bytes to start with: a batch that is cut at a size never grows past it by much */
    Records(int capacity) {
      buf = new byte[capacity];
    }

    /** Empties it for the next batch, keeping its arrays. */
    void clear() {
      count = 0;
      records = 0;
      finals = 0;
    }

    void name(int nameId, String name) {
      byte[] utf = name.getBytes(StandardCharsets.UTF_8);
      room(9 + utf.length);
      buf[count++] = NAME;
      putInt(nameId);
      putInt(utf.length);
      putBytes(utf);
      end();
    }

    void create(long parent, int nameId, byte[] body, long hash) {
      room(25 + body.length);
      buf[count++] = CREATE;
      putLong(parent);
      putInt(nameId);
      putInt(body.length);
      putBytes(body);
      putLong(hash);
      end();
    }

    void finish(long taskId, TaskStatus status, String result) {
      byte[] utf = result == null || result.isEmpty() ? EMPTY : result.getBytes(StandardCharsets.UTF_8);
      room(14 + utf.length);
      buf[count++] = FINAL;
      putLong(taskId);
      buf[count++] = (byte) status.value();
      putInt(utf.length);
      putBytes(utf);
      end();
      finals++;
    }

    void reduce() {
      room(1);
      buf[count++] = REDUCE;
      end();
    }

    void settle() {
      room(1);
      buf[count++] = SETTLE;
      end();
    }

    /** Bytes written. */
    int size() {
      return count;
    }

    /** How many records. */
    int records() {
      return records;
    }

    /** How many of them are FINAL records. */
    int finals() {
      return finals;
    }

    /** The offset at which record {@code i} ends. */
    int end(int i) {
      return ends[i];
    }

    byte[] bytes() {
      return buf;
    }

    private void end() {
      if (records == ends.length) {
        ends = Arrays.copyOf(ends, records * 2);
      }
      ends[records++] = count;
    }

    private void room(int n) {
      if (count + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + n));
      }
    }

    private void putBytes(byte[] b) {
      System.arraycopy(b, 0, buf, count, b.length);
      count += b.length;
    }

    private void putInt(int v) {
      buf[count] = (byte) (v >>> 24);
      buf[count + 1] = (byte) (v >>> 16);
      buf[count + 2] = (byte) (v >>> 8);
      buf[count + 3] = (byte) v;
      count += 4;
    }

    private void putLong(long v) {
      putInt((int) (v >>> 32));
      putInt((int) v);
    }
  }

  private static final byte[] EMPTY = new byte[0];

  /**
   * Deflates runs of records, one after another, reusing its deflater and output buffer (a master's log
   * deflates about a hundred megabytes per million sub-tasks: no garbage but the segments themselves).
   */
  static final class Deflating implements AutoCloseable {
    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    private byte[] out = new byte[64 * 1024];

    byte[] deflate(byte[] raw, int offset, int length) {
      deflater.reset();
      deflater.setInput(raw, offset, length);
      deflater.finish();
      int n = 0;
      while (!deflater.finished()) {
        if (n == out.length) {
          out = Arrays.copyOf(out, out.length * 2);
        }
        n += deflater.deflate(out, n, out.length - n);
      }
      return Arrays.copyOf(out, n);
    }

    @Override
    public void close() {
      deflater.end();
    }
  }

  /**
   * Replays one segment. Names are per epoch: a segment of a new epoch starts with an empty table, so pass
   * the same {@code names} list for the segments of one epoch and a new one for the next.
   *
   * @throws IllegalArgumentException when the segment is not a run of whole records
   */
  static void replay(byte[] segment, List<String> names, Replay replay) {
    Inflater inflater = new Inflater();
    try (DataInputStream in = new DataInputStream(new InflaterInputStream(new java.io.ByteArrayInputStream(segment), inflater))) {
      int type;
      while ((type = in.read()) >= 0) {
        switch (type) {
          case NAME -> {
            int id = in.readInt();
            String name = new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
            while (names.size() <= id) {
              names.add(null);
            }
            names.set(id, name);
          }
          case CREATE -> {
            long parent = in.readLong();
            int nameId = in.readInt();
            byte[] body = readExactly(in, in.readInt());
            long hash = in.readLong();
            if (nameId < 0 || nameId >= names.size() || names.get(nameId) == null) {
              throw new IllegalArgumentException("operation log: task name " + nameId + " used before it was named");
            }
            replay.created(parent, names.get(nameId), body, hash);
          }
          case FINAL -> {
            long id = in.readLong();
            TaskStatus status = TaskStatus.fromValue(in.readByte());
            String result = new String(readExactly(in, in.readInt()), StandardCharsets.UTF_8);
            replay.finished(id, status, result);
          }
          case REDUCE -> replay.reduceStarted();
          case SETTLE -> { } // only there to be appended: the append tells the master whether it still masters
          default -> throw new IllegalArgumentException("operation log: unknown record type " + type);
        }
      }
    } catch (EOFException e) {
      throw new IllegalArgumentException("operation log: a segment ends inside a record", e);
    } catch (IOException e) {
      if (e.getCause() instanceof DataFormatException || e instanceof java.util.zip.ZipException) {
        throw new IllegalArgumentException("operation log: a segment is not deflated records: " + e.getMessage(), e);
      }
      throw new UncheckedIOException(e);
    } finally {
      inflater.end();
    }
  }

  private static byte[] readExactly(DataInputStream in, int length) throws IOException {
    if (length < 0) {
      throw new IllegalArgumentException("operation log: negative length " + length);
    }
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw new EOFException();
    }
    return bytes;
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  /**
   * A 64-bit hash of a task's name and body, chained from {@code seed} (the hash of the bodies its parent created
   * before it): what a re-run parent's map() output is compared by. Eight bytes a step: it runs on the master's
   * thread for every sub-task created.
   */
  static long hash(long seed, String name, byte[] body) {
    long h = mix(seed ^ name.hashCode() ^ ((long) body.length << 32));
    int i = 0;
    for (; i + 8 <= body.length; i += 8) {
      h = mix(h ^ (long) LONGS.get(body, i));
    }
    for (; i < body.length; i++) {
      h = mix(h ^ (body[i] & 0xff));
    }
    return h;
  }

  private static long mix(long h) {
    long m = h * GOLDEN;
    return m ^ (m >>> 29);
  }
}
