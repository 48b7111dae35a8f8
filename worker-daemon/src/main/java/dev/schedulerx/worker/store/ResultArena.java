package dev.schedulerx.worker.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Task results packed as UTF-8 into 1 MiB chunks, addressed by task id: a million short results cost a
 * few dozen bytes each instead of a String object apiece.
 */
final class ResultArena {
  private static final int CHUNK = 1 << 20;
  private static final long ABSENT = -1;

  private final List<byte[]> chunks = new ArrayList<>();
  private long[] refs = new long[1024];
  private int position = CHUNK;

  ResultArena() {
    Arrays.fill(refs, ABSENT);
  }

  void put(long taskId, String result) {
    int id = Math.toIntExact(taskId);
    grow(id);
    byte[] bytes = (result == null ? "" : result).getBytes(StandardCharsets.UTF_8);
    int length = Math.min(bytes.length, CHUNK - 1);
    if (chunks.isEmpty() || position + length > CHUNK || position == CHUNK) { // offsets must stay below CHUNK
      chunks.add(new byte[CHUNK]);
      position = 0;
    }
    System.arraycopy(bytes, 0, chunks.get(chunks.size() - 1), position, length);
    // chunk index (24 bits) | offset in chunk (20 bits) | length (20 bits)
    refs[id] = ((long) (chunks.size() - 1) << 40) | ((long) position << 20) | length;
    position += length;
  }

  String get(long taskId) {
    if (taskId < 0 || taskId >= refs.length || refs[(int) taskId] == ABSENT) {
      return null;
    }
    long ref = refs[(int) taskId];
    int chunk = (int) (ref >>> 40);
    int offset = (int) ((ref >>> 20) & 0xFFFFF);
    int length = (int) (ref & 0xFFFFF);
    return new String(chunks.get(chunk), offset, length, StandardCharsets.UTF_8);
  }

  private void grow(int id) {
    if (id >= refs.length) {
      int old = refs.length;
      refs = Arrays.copyOf(refs, Math.max(old * 2, id + 1));
      Arrays.fill(refs, old, refs.length, ABSENT);
    }
  }
}
