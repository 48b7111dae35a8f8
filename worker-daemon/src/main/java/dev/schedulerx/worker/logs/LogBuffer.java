package dev.schedulerx.worker.logs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Lines waiting to be shipped, at most {@code capacity}: when the server is unreachable for long, the oldest
 * lines are dropped (and counted) so a processor that logs never blocks and the daemon's memory stays bounded.
 */
final class LogBuffer {
  private final int capacity;
  private final ArrayDeque<LogLine> lines = new ArrayDeque<>();
  private long dropped;

  LogBuffer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  synchronized void add(LogLine line) {
    if (lines.size() == capacity) {
      lines.pollFirst();
      dropped++;
    }
    lines.addLast(line);
  }

  /** Removes and returns up to {@code max} of the oldest lines. */
  synchronized List<LogLine> take(int max) {
    List<LogLine> taken = new ArrayList<>(Math.min(max, lines.size()));
    while (taken.size() < max && !lines.isEmpty()) {
      taken.add(lines.pollFirst());
    }
    return taken;
  }

  synchronized int size() {
    return lines.size();
  }

  /** Lines dropped so far because the buffer was full. */
  synchronized long dropped() {
    return dropped;
  }
}
