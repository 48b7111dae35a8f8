package dev.schedulerx.worker.instance;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a Map/MapReduce/sharding master keeps its operation log so that another worker can resume the
 * instance if this one dies (our server's {@code master_log_router}). Segments are opaque here.
 */
public interface MasterLog {
  /** What the server did with an appended segment. */
  enum Appended { STORED, FENCED }

  /** One stored segment of the log of {@code epoch}. */
  record Segment(int epoch, long seq, byte[] bytes) {}

  /** Whether masters write a log at all (resume is on for this daemon and its server has the log). */
  boolean enabled();

  /** Stores segment {@code seq} of {@code epoch}; FENCED when a newer master took the instance over. */
  CompletionStage<Appended> append(long instanceId, int epoch, long seq, byte[] segment);

  /** The stored segment after ({@code afterEpoch}, {@code afterSeq}) among those of the epochs before {@code epoch}. */
  CompletionStage<Optional<Segment>> next(long instanceId, int epoch, int afterEpoch, long afterSeq);

  /** No log: masters run as before and cannot be resumed. */
  MasterLog NONE = new MasterLog() {
    @Override
    public boolean enabled() {
      return false;
    }

    @Override
    public CompletionStage<Appended> append(long instanceId, int epoch, long seq, byte[] segment) {
      return CompletableFuture.completedFuture(Appended.STORED);
    }

    @Override
    public CompletionStage<Optional<Segment>> next(long instanceId, int epoch, int afterEpoch, long afterSeq) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
  };
}
