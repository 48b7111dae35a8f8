package dev.schedulerx.worker.instance;

import dev.schedulerx.api.TaskStatus;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * </pre>
 */
final class OperationLogCodec {
  static final byte NAME = 1;
  static final byte CREATE = 2;
  static final byte FINAL = 3;
  static final byte REDUCE = 4;

  /** What replaying a log does with its records. */
  interface Replay {
    void created(long parent, String name, byte[] body, long hash);

    void finished(long taskId, TaskStatus status, String result);

    void reduceStarted();
  }

  private OperationLogCodec() {}

  /** Appends records to a growing buffer, remembering where each one ends (segments are cut between records). */
  static final class Records extends ByteArrayOutputStream {
    private final List<Integer> ends = new ArrayList<>();

    Records() {
      super(64 * 1024);
    }

    void name(int nameId, String name) {
      write(NAME);
      writeInt(nameId);
      byte[] utf = name.getBytes(StandardCharsets.UTF_8);
      writeInt(utf.length);
      write(utf, 0, utf.length);
      end();
    }

    void create(long parent, int nameId, byte[] body, long hash) {
      write(CREATE);
      writeLong(parent);
      writeInt(nameId);
      writeInt(body.length);
      write(body, 0, body.length);
      writeLong(hash);
      end();
    }

    void finish(long taskId, TaskStatus status, String result) {
      write(FINAL);
      writeLong(taskId);
      write(status.value());
      byte[] utf = result == null ? new byte[0] : result.getBytes(StandardCharsets.UTF_8);
      writeInt(utf.length);
      write(utf, 0, utf.length);
      end();
    }

    void reduce() {
      write(REDUCE);
      end();
    }

    private void end() {
      ends.add(count);
    }

    /** Offsets at which records end, in order. */
    List<Integer> ends() {
      return ends;
    }

    byte[] bytes() {
      return buf;
    }

    private void writeInt(int v) {
      write(v >>> 24);
      write(v >>> 16);
      write(v >>> 8);
      write(v);
    }

    private void writeLong(long v) {
      writeInt((int) (v >>> 32));
      writeInt((int) v);
    }
  }

  /** Deflates {@code length} bytes of records. */
  static byte[] deflate(byte[] raw, int offset, int length) {
    Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    try {
      deflater.setInput(raw, offset, length);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, length / 3));
      byte[] chunk = new byte[32 * 1024];
      while (!deflater.finished()) {
        int n = deflater.deflate(chunk);
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } finally {
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

  /** 64-bit FNV-1a of a task's name and body: what a re-run parent's map() output is compared by. */
  static long hash(long seed, String name, byte[] body) {
    long h = seed ^ 0xcbf29ce484222325L;
    for (int i = 0; i < name.length(); i++) {
      h = (h ^ name.charAt(i)) * 0x100000001b3L;
    }
    for (byte b : body) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h;
  }
}
