package dev.schedulerx.worker.instance;

import dev.schedulerx.api.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The server's side of the master log in the test's JVM, with its rules: a segment is stored once, appends of an
 * epoch other than the current one are refused (fenced), and readers get the segments of earlier epochs in
 * (epoch, seq) order. The server's own store is tested against real databases in scheduler-server.
 */
final class MemoryMasterLog implements MasterLog {
  private final TreeMap<Long, Segment> segments = new TreeMap<>(); // key: epoch << 32 | seq
  private int epoch;

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public synchronized CompletionStage<Appended> append(long instanceId, int epoch, long seq, byte[] segment) {
    if (epoch != this.epoch) {
      return CompletableFuture.completedFuture(Appended.FENCED);
    }
    segments.putIfAbsent(((long) epoch << 32) | seq, new Segment(epoch, seq, segment));
    return CompletableFuture.completedFuture(Appended.STORED);
  }

  @Override
  public synchronized CompletionStage<Optional<Segment>> next(long instanceId, int epoch, int afterEpoch, long afterSeq) {
    Map.Entry<Long, Segment> next = segments.higherEntry(afterEpoch < 0 ? -1L : ((long) afterEpoch << 32) | afterSeq);
    return CompletableFuture.completedFuture(
        next == null || next.getValue().epoch() >= epoch ? Optional.empty() : Optional.of(next.getValue()));
  }

  /** What the server does when it hands the instance to a new master: the next epoch; returns it. */
  synchronized int promote() {
    return ++epoch;
  }

  /** Counts of the records stored so far: [created, finished]. */
  synchronized long[] counts() {
    long[] counts = new long[2];
    MasterLogReader.replay(new ArrayList<>(segments.values()), new OperationLogCodec.Replay() {
      @Override
      public void created(long parent, String name, byte[] body, long hash) {
        counts[0]++;
      }

      @Override
      public void finished(long taskId, TaskStatus status, String result) {
        counts[1]++;
      }

      @Override
      public void reduceStarted() {}
    });
    return counts;
  }

  synchronized List<Segment> segments() {
    return List.copyOf(segments.values());
  }
}
