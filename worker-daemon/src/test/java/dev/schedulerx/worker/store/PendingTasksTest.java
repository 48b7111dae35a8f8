package dev.schedulerx.worker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FIFO of waiting tasks, in memory and, beyond its budget, in a spill file. */
class PendingTasksTest {
  private static final long TINY_BUDGET = 1024;
  private static final long LARGE_BUDGET = 64L << 20;

  @TempDir Path dir;

  @Test
  void tasksComeOutInTheOrderTheyWentInWithTheirBodies() {
    try (PendingTasks pending = new PendingTasks(LARGE_BUDGET, spillDir())) {
      for (long id = 0; id < 10; id++) {
        pending.add(id, body(id));
      }
      assertThat(pending.size()).isEqualTo(10);

      List<Long> first = drain(pending, 3);
      List<Long> rest = drain(pending, 100);

      assertThat(first).containsExactly(0L, 1L, 2L);
      assertThat(rest).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);
      assertThat(pending.size()).isZero();
      assertThat(pending.spilled()).isFalse();
      assertThat(pending.poll(5, (id, b) -> { throw new AssertionError("nothing is left"); })).isZero();
    }
  }

  @Test
  void bodiesLargerThanASegmentHoldsComeOutWholeAndInOrderFromMemoryAndSpill() {
    byte[] big = new byte[PendingTasks.SEGMENT_BYTES + 1]; // one body alone overflows a segment
    new Random(7).nextBytes(big);
    for (long budget : new long[] {LARGE_BUDGET, TINY_BUDGET}) {
      try (PendingTasks pending = new PendingTasks(budget, spillDir())) {
        for (long id = 0; id < 40; id++) {
          pending.add(id, id % 10 == 3 ? big : body(id));
        }
        pending.add(40, new byte[PendingTasks.SEGMENT_BYTES / 3]);
        pending.add(41, new byte[PendingTasks.SEGMENT_BYTES / 3]);
        pending.add(42, new byte[PendingTasks.SEGMENT_BYTES / 3]);

        List<Long> ids = new ArrayList<>();
        pending.poll(100, (id, b) -> {
          ids.add(id);
          assertThat(b).as("body of task %d", id).isEqualTo(id >= 40 ? new byte[PendingTasks.SEGMENT_BYTES / 3] : id % 10 == 3 ? big : body(id));
        });

        assertThat(ids).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(0, 42).boxed().toList());
        assertThat(pending.spilled()).isEqualTo(budget == TINY_BUDGET);
      }
    }
  }

  @Test
  void emptyBodiesAreKept() {
    try (PendingTasks pending = new PendingTasks(LARGE_BUDGET, spillDir())) {
      pending.add(0, new byte[0]);
      pending.add(1, body(1));
      pending.add(2, new byte[0]);

      List<byte[]> bodies = new ArrayList<>();
      pending.poll(3, (id, b) -> bodies.add(b));

      assertThat(bodies).extracting(b -> b.length).containsExactly(0, body(1).length, 0);
    }
  }

  @Test
  void withinItsBudgetNothingSpills() throws IOException {
    try (PendingTasks pending = new PendingTasks(LARGE_BUDGET, spillDir())) {
      addRange(pending, 0, 20_000);

      assertThat(pending.spilled()).isFalse();
      assertThat(spillFiles()).isEmpty();
      assertThat(drainChecked(pending, 0, 1000)).isEqualTo(20_000);
    }
  }

  @Test
  void overItsBudgetItSpillsToAFileAndStillHandsOutEveryTaskInOrder() throws IOException {
    PendingTasks pending = new PendingTasks(TINY_BUDGET, spillDir());
    addRange(pending, 0, 50_000);

    assertThat(pending.spilled()).isTrue();
    assertThat(spillFiles()).hasSize(1);
    assertThat(Files.size(spillFiles().get(0))).isPositive();
    assertThat(pending.size()).isEqualTo(50_000);

    // odd batch sizes, so polls stop inside segments, and segments come from memory, the file and the tail
    assertThat(drainChecked(pending, 0, 777)).isEqualTo(50_000);
    assertThat(pending.size()).isZero();

    pending.close();
    assertThat(spillFiles()).isEmpty();
  }

  @Test
  void interleavedAddsAndPollsKeepFifoOrderAcrossMemorySpillAndTail() throws IOException {
    Random random = new Random(42);
    PendingTasks pending = new PendingTasks(TINY_BUDGET, spillDir());
    long nextAdd = 0;
    long nextPoll = 0;
    // Phases: grow past the budget (spilling), drain to empty (the tail is handed out directly), grow again
    // (spilling resumes after the file was read to its end), then mixed traffic.
    for (int round = 0; round < 400; round++) {
      int adds = round < 60 ? random.nextInt(2000) : random.nextInt(400);
      int polls = round < 60 ? random.nextInt(500) : random.nextInt(420);
      if (round == 60 || round == 200) {
        polls = Integer.MAX_VALUE; // empty it completely
        adds = 0;
      }
      for (int i = 0; i < adds; i++) {
        pending.add(nextAdd, body(nextAdd));
        nextAdd++;
      }
      long before = pending.size();
      long[] expected = {nextPoll};
      int taken = pending.poll(polls, (id, b) -> check(id, b, expected[0]++));
      nextPoll = expected[0];
      assertThat((long) taken).isEqualTo(Math.min(polls, before));
      assertThat(pending.size()).isEqualTo(nextAdd - nextPoll);
    }
    assertThat(pending.spilled()).isTrue();
    assertThat(nextAdd).isGreaterThan(50_000);

    assertThat(drainChecked(pending, nextPoll, 1000)).isEqualTo(nextAdd - nextPoll);
    assertThat(spillFiles()).hasSize(1);
    pending.close();
    assertThat(spillFiles()).isEmpty();
  }

  @Test
  void closingWithoutSpillingLeavesNoFile() throws IOException {
    PendingTasks pending = new PendingTasks(LARGE_BUDGET, spillDir());
    addRange(pending, 0, 100);
    pending.close();

    assertThat(spillFiles()).isEmpty();
  }

  @Test
  void closingWithTasksStillSpilledDeletesTheFile() throws IOException {
    PendingTasks pending = new PendingTasks(TINY_BUDGET, spillDir());
    addRange(pending, 0, 50_000);
    drain(pending, 10);
    assertThat(spillFiles()).hasSize(1);

    pending.close();

    assertThat(spillFiles()).isEmpty();
  }

  private Path spillDir() {
    return dir.resolve("spill");
  }

  private List<Path> spillFiles() throws IOException {
    if (!Files.isDirectory(spillDir())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(spillDir())) {
      return files.filter(f -> f.getFileName().toString().endsWith(".spill")).toList();
    }
  }

  private static void addRange(PendingTasks pending, long from, long to) {
    for (long id = from; id < to; id++) {
      pending.add(id, body(id));
    }
  }

  private static List<Long> drain(PendingTasks pending, int max) {
    List<Long> ids = new ArrayList<>();
    pending.poll(max, (id, b) -> ids.add(id));
    return ids;
  }

  /** Polls everything in batches, checking that ids run on from {@code first} with their own bodies. */
  private static long drainChecked(PendingTasks pending, long first, int batch) {
    long[] next = {first};
    int taken;
    do {
      taken = pending.poll(batch, (id, b) -> check(id, b, next[0]++));
    } while (taken > 0);
    return next[0] - first;
  }

  /** Plain comparison: tens of thousands of AssertJ assertions would dominate the run time. */
  private static void check(long id, byte[] body, long expectedId) {
    if (id != expectedId) {
      throw new AssertionError("expected task " + expectedId + " next, got " + id);
    }
    String text = new String(body, StandardCharsets.UTF_8);
    if (!text.equals(text(id))) {
      throw new AssertionError("task " + id + " has body " + text + ", expected " + text(id));
    }
  }

  private static byte[] body(long id) {
    return text(id).getBytes(StandardCharsets.UTF_8);
  }

  /** Bodies of varying length (some empty), so segments grow unevenly. */
  private static String text(long id) {
    return id % 11 == 0 ? "" : "{\"task\":" + id + ",\"pad\":\"" + "x".repeat((int) (id % 23)) + "\"}";
  }
}
