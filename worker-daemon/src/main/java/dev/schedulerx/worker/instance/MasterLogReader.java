package dev.schedulerx.worker.instance;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Reads an instance's log back for the master that resumes it, and replays it. */
final class MasterLogReader {
  private MasterLogReader() {}

  /** Every segment the masters before {@code epoch} stored, in order, one request each (a segment fills a frame). */
  static CompletionStage<List<MasterLog.Segment>> readAll(MasterLog log, long instanceId, int epoch) {
    CompletableFuture<List<MasterLog.Segment>> all = new CompletableFuture<>();
    readFrom(log, instanceId, epoch, -1, -1, new ArrayList<>(), all);
    return all;
  }

  private static void readFrom(MasterLog log, long instanceId, int epoch, int afterEpoch, long afterSeq,
      List<MasterLog.Segment> read, CompletableFuture<List<MasterLog.Segment>> all) {
    log.next(instanceId, epoch, afterEpoch, afterSeq).whenComplete((next, failure) -> {
      if (failure != null) {
        all.completeExceptionally(failure);
      } else if (next.isEmpty()) {
        all.complete(read);
      } else {
        MasterLog.Segment s = next.get();
        read.add(s);
        readFrom(log, instanceId, epoch, s.epoch(), s.seq(), read, all);
      }
    });
  }

  /**
   * Replays segments in order. An epoch counts up to its first missing seq (what its master decided after a
   * lost segment is not part of the prefix); each epoch has its own table of task names.
   *
   * @return how many segments were replayed
   */
  static int replay(List<MasterLog.Segment> segments, OperationLogCodec.Replay replay) {
    int epoch = -1;
    long expected = 0;
    List<String> names = new ArrayList<>();
    int replayed = 0;
    for (MasterLog.Segment s : segments) {
      if (s.epoch() != epoch) {
        epoch = s.epoch();
        expected = 0;
        names = new ArrayList<>();
      }
      if (s.seq() != expected) {
        expected = -1; // a gap: the rest of this epoch is not part of the prefix
        continue;
      }
      OperationLogCodec.replay(s.bytes(), names, replay);
      expected++;
      replayed++;
    }
    return replayed;
  }
}
