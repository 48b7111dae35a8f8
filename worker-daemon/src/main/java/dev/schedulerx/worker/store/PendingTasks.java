package dev.schedulerx.worker.store;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * FIFO of tasks waiting for dispatch (id + body). Tasks are packed into segments of a few thousand; while
 * the in-memory segments exceed a byte budget, further segments go to a spill file and are read back in
 * order. A map of a million sub-tasks thus costs the master a bounded amount of heap.
 */
final class PendingTasks implements AutoCloseable {
  static final int SEGMENT_TASKS = 4096;
  /**
   * Bodies per segment stop growing at this many bytes (one larger body excepted): arrays of half a G1
   * region or more are "humongous", allocated and freed outside the young generation, and a big map
   * made hundreds of them in a small heap (regions are 1 MiB up to a 2 GiB heap).
   */
  static final int SEGMENT_BYTES = 256 << 10;

  /** One packed run of tasks: ids and their bodies, back to back. */
  static final class Segment {
    final long[] ids;
    final int[] ends;
    byte[] data;
    int count;
    int read;
    int used;

    Segment(int capacity) {
      ids = new long[capacity];
      ends = new int[capacity];
      data = new byte[Math.max(256, capacity * 16)];
    }

    boolean isFull() {
      return count == ids.length;
    }

    /** Whether {@code body} should open the next segment instead. */
    boolean wouldOverflow(byte[] body) {
      return count > 0 && used + body.length > SEGMENT_BYTES;
    }

    void add(long id, byte[] body) {
      if (used + body.length > data.length) {
        data = Arrays.copyOf(data, Math.max(Math.min(data.length * 2, SEGMENT_BYTES), used + body.length));
      }
      System.arraycopy(body, 0, data, used, body.length);
      used += body.length;
      ids[count] = id;
      ends[count] = used;
      count++;
    }

    long bytes() {
      return data.length + ids.length * 12L;
    }
  }

  private final ArrayDeque<Segment> memory = new ArrayDeque<>();
  private final long memoryBudget;
  private final Path spillDir;
  private long memoryBytes;
  private Segment tail;
  private SpillFile spill;
  private long size;

  PendingTasks(long memoryBudgetBytes, Path spillDir) {
    this.memoryBudget = memoryBudgetBytes;
    this.spillDir = spillDir;
  }

  void add(long id, byte[] body) {
    if (tail == null || tail.isFull() || tail.wouldOverflow(body)) {
      seal();
      tail = new Segment(SEGMENT_TASKS);
    }
    tail.add(id, body);
    size++;
  }

  /** Moves the filling segment to memory or, over budget (or once spilling started), to disk. */
  private void seal() {
    if (tail == null) {
      return;
    }
    if (spill != null && spill.pending > 0 || memoryBytes + tail.bytes() > memoryBudget && !memory.isEmpty()) {
      if (spill == null) {
        spill = new SpillFile(spillDir);
      }
      spill.write(tail);
    } else {
      memory.add(tail);
      memoryBytes += tail.bytes();
    }
    tail = null;
  }

  /** Takes up to {@code max} tasks in FIFO order, handing each to {@code sink}; returns how many. */
  int poll(int max, Sink sink) {
    int taken = 0;
    while (taken < max && size > 0) {
      Segment head = head();
      while (taken < max && head.read < head.count) {
        int start = head.read == 0 ? 0 : head.ends[head.read - 1];
        sink.accept(head.ids[head.read], Arrays.copyOfRange(head.data, start, head.ends[head.read]));
        head.read++;
        taken++;
        size--;
      }
      if (head.read == head.count) {
        drop(head);
      }
    }
    return taken;
  }

  private Segment head() {
    if (memory.isEmpty()) {
      if (spill != null && spill.pending > 0) {
        Segment s = spill.read();
        memory.add(s);
        memoryBytes += s.bytes();
      } else if (tail != null) {
        memory.add(tail);
        memoryBytes += tail.bytes();
        tail = null;
      }
    }
    return memory.peekFirst();
  }

  private void drop(Segment head) {
    memory.pollFirst();
    memoryBytes -= head.bytes();
  }

  long size() {
    return size;
  }

  boolean spilled() {
    return spill != null;
  }

  /** Receives one task taken from the queue. */
  interface Sink {
    void accept(long id, byte[] body);
  }

  @Override
  public void close() {
    if (spill != null) {
      spill.close();
    }
  }

  /** Segments written in order, read back in order. */
  private static final class SpillFile {
    private final Path file;
    private final DataOutputStream out;
    private DataInputStream in;
    private int pending;

    SpillFile(Path dir) {
      try {
        Files.createDirectories(dir);
        file = Files.createTempFile(dir, "tasks-", ".spill");
        out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a task spill file in " + dir, e);
      }
    }

    void write(Segment s) {
      try {
        out.writeInt(s.count);
        out.writeInt(s.used);
        for (int i = 0; i < s.count; i++) {
          out.writeLong(s.ids[i]);
          out.writeInt(s.ends[i]);
        }
        out.write(s.data, 0, s.used);
        pending++;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the task spill file " + file, e);
      }
    }

    Segment read() {
      try {
        out.flush(); // segments may have been written since the last read
        if (in == null) {
          in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        }
        int count = in.readInt();
        int used = in.readInt();
        Segment s = new Segment(count);
        for (int i = 0; i < count; i++) {
          s.ids[i] = in.readLong();
          s.ends[i] = in.readInt();
        }
        s.data = in.readNBytes(used);
        s.used = used;
        s.count = count;
        pending--;
        return s;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the task spill file " + file, e);
      }
    }

    void close() {
      try {
        out.close();
        if (in != null) {
          in.close();
        }
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // best effort: the file is in the daemon's data dir and named as a spill file
      }
    }
  }
}
