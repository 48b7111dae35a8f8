package dev.schedulerx.worker.instance;

import dev.schedulerx.api.TaskStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A master's write-behind operation log: the master records its decisions here as it makes them (nothing
 * waits for the log), and what it recorded is cut into deflated segments of whole records and appended to
 * the {@link MasterLog} in order, off the master's thread, re-sent until stored. Losing the unsent tail only
 * means more re-runs after a resume, never a wrong result: every prefix of the log is a consistent state.
 *
 * <p>Recording methods are called by the master actor only; the sending runs on {@code executor}, one
 * segment after another.
 */
final class OperationLog {
  /** Buffered records are cut into segments once this many bytes wait (or on the master's flush timer). */
  static final int CUT_BYTES = 256 * 1024;
  /** A batch's buffer: room for a cut batch and the record that crossed the cut (bodies are small). */
  private static final int BATCH_CAPACITY = CUT_BYTES + 32 * 1024;
  /** A segment must fit one remoting frame (128,000 bytes) with its envelope. */
  static final int MAX_SEGMENT_BYTES = 120_000;
  /**
   * Bytes recorded and not stored yet (batches waiting to be deflated, segments waiting for the server) beyond which
   * the server is not keeping up: the log stops (from there on the instance is not resumable) rather than let the
   * master's heap grow.
   */
  static final long MAX_UNSTORED_BYTES = 8L * 1024 * 1024;
  private static final long RETRY_MILLIS = 500;
  /** A segment the server has not stored for this long: the log stops (a SchedulerX server keeps none). */
  static final long MAX_LAG_MILLIS = 30_000;

  private final MasterLog target;
  private final long instanceId;
  private final int epoch;
  private final Executor executor;
  /** Told once, from any thread, when the server says a newer master has the instance. */
  private final Consumer<String> onFenced;
  private final Map<String, Integer> nameIds = new HashMap<>();
  private OperationLogCodec.Records records = new OperationLogCodec.Records(BATCH_CAPACITY);
  /** Batches already sent, kept for the next ones (used by the master, given back by the lane). */
  private final Queue<OperationLogCodec.Records> spare = new ConcurrentLinkedQueue<>();
  /** Used on the lane only. */
  private final OperationLogCodec.Deflating deflating = new OperationLogCodec.Deflating();
  /** Segments are made and sent one batch after another, in the order they were recorded. */
  private CompletableFuture<Void> lane = CompletableFuture.completedFuture(null);
  private long nextSeq; // used on the lane only
  private final Queue<CompletableFuture<MasterLog.Appended>> unstored = new ConcurrentLinkedQueue<>();
  private final AtomicLong unstoredBytes = new AtomicLong();
  /** Completes once every batch sent so far is stored (or the log stopped): batches count in order. */
  private CompletableFuture<Void> storedPrefix = CompletableFuture.completedFuture(null); // used on the lane only
  /** Final statuses recorded in this epoch that are stored, all before them too: a resume would keep them. */
  private final AtomicLong storedFinals = new AtomicLong();
  private volatile String stopped; // why the log stopped, null while it runs
  private volatile boolean closed;
  private volatile boolean fenced;

  /** Told of every change of the bytes not stored yet (the daemon's lag metric). */
  private final java.util.function.LongConsumer unstoredChange;

  OperationLog(MasterLog target, long instanceId, int epoch, Executor executor, Consumer<String> fenced,
      java.util.function.LongConsumer unstoredChange) {
    this.unstoredChange = unstoredChange;
    this.target = target;
    this.instanceId = instanceId;
    this.epoch = epoch;
    this.executor = executor;
    this.onFenced = fenced;
  }

  void created(long parent, String name, byte[] body, long hash) {
    if (stopped != null) {
      return;
    }
    Integer nameId = nameIds.get(name);
    if (nameId == null) {
      nameId = nameIds.size();
      nameIds.put(name, nameId);
      records.name(nameId, name);
    }
    records.create(parent, nameId, body, hash);
    cutIfFull();
  }

  void finished(long taskId, TaskStatus status, String result) {
    if (stopped == null) {
      records.finish(taskId, status, result);
      cutIfFull();
    }
  }

  private void cutIfFull() {
    if (records.size() >= CUT_BYTES) {
      cut();
    }
  }

  /** Sends what is recorded so far (the master's flush timer calls this every few hundred milliseconds). */
  void cut() {
    if (records.size() == 0 || stopped != null) {
      return;
    }
    OperationLogCodec.Records batch = records;
    OperationLogCodec.Records next = spare.poll();
    records = next != null ? next : new OperationLogCodec.Records(BATCH_CAPACITY);
    int raw = batch.size();
    if (unstoredBytes.get() + raw > MAX_UNSTORED_BYTES) {
      stop("the server did not keep up: " + (MAX_UNSTORED_BYTES >> 20) + " MB of it waited to be stored");
      return;
    }
    unstored(raw);
    lane = lane.thenRunAsync(() -> send(batch), executor);
  }

  /**
   * Records that reduce is about to run ({@code reduce}) or that the master is about to report the instance's end,
   * sends everything, and completes once all of it is stored: with STORED, or FENCED when a newer master has the
   * instance (then this one must neither reduce nor report nor release the workers). Always appends a segment, so
   * the answer is the server's, however long this master was away.
   */
  CompletableFuture<MasterLog.Appended> settle(boolean reduce) {
    if (stopped == null) {
      if (reduce) {
        records.reduce();
      } else {
        records.settle();
      }
    }
    cut();
    return lane.thenCompose(ignored -> CompletableFuture.allOf(unstored.toArray(CompletableFuture[]::new)))
        .thenApply(done -> fenced ? MasterLog.Appended.FENCED : MasterLog.Appended.STORED);
  }

  /**
   * Final statuses recorded by this master whose records the server has stored, with everything recorded before
   * them: a master that resumed the instance now would keep that many of this epoch's finished tasks.
   */
  long storedFinals() {
    return storedFinals.get();
  }

  /** The instance ended here: nothing more is sent or re-sent. */
  void close() {
    closed = true;
    lane.whenComplete((ok, failure) -> deflating.close());
  }

  private void send(OperationLogCodec.Records batch) {
    List<byte[]> segments = new ArrayList<>();
    boolean whole = stopped == null && split(batch, 0, batch.records(), segments);
    long deflated = segments.stream().mapToLong(b -> b.length).sum();
    int finals = batch.finals();
    // From here the batch weighs what its segments weigh, until the server stored them.
    unstored(deflated - batch.size());
    if (spare.size() < 2) {
      batch.clear();
      spare.add(batch);
    }
    if (!whole) {
      unstored(-deflated);
      return;
    }
    List<CompletableFuture<MasterLog.Appended>> batchStored = new ArrayList<>(segments.size());
    for (byte[] segment : segments) {
      CompletableFuture<MasterLog.Appended> stored = new CompletableFuture<>();
      batchStored.add(stored);
      unstored.add(stored);
      stored.whenComplete((a, f) -> {
        unstored.remove(stored);
        unstored(-segment.length);
      });
      append(nextSeq++, segment, stored, System.nanoTime());
    }
    // A log that stopped completes its segments unstored: what it held is not counted (nor anything after it).
    storedPrefix = storedPrefix.thenCombine(CompletableFuture.allOf(batchStored.toArray(CompletableFuture[]::new)), (a, b) -> b)
        .thenRun(() -> {
          if (stopped == null) {
            storedFinals.addAndGet(finals);
          }
        });
  }

  /** Counts bytes recorded and not stored yet, here and in the daemon's lag metric. */
  private void unstored(long delta) {
    unstoredBytes.addAndGet(delta);
    unstoredChange.accept(delta);
  }

  /** Deflates records [from, to) as one segment, or as several when one would not fit a frame. */
  private boolean split(OperationLogCodec.Records batch, int from, int to, List<byte[]> out) {
    int start = from == 0 ? 0 : batch.end(from - 1);
    int end = batch.end(to - 1);
    byte[] segment = deflating.deflate(batch.bytes(), start, end - start);
    if (segment.length <= MAX_SEGMENT_BYTES) {
      out.add(segment);
      return true;
    }
    if (to - from == 1) {
      stop("one record is " + (end - start) + " bytes, too large for a log segment");
      return false;
    }
    int middle = (from + to) / 2;
    return split(batch, from, middle, out) && split(batch, middle, to, out);
  }

  private void append(long seq, byte[] segment, CompletableFuture<MasterLog.Appended> stored, long since) {
    if (closed || stopped != null) {
      stored.complete(MasterLog.Appended.STORED);
      return;
    }
    target.append(instanceId, epoch, seq, segment).whenComplete((appended, failure) -> {
      if (failure == null) {
        if (appended == MasterLog.Appended.FENCED) {
          fenced = true;
          stop("a newer master has the instance");
          onFenced.accept("the server refused segment " + seq + " of epoch " + epoch + ": a newer master has the instance");
        }
        stored.complete(appended);
      } else {
        if (System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(MAX_LAG_MILLIS)) {
          stop("the server did not store segment " + seq + " for " + MAX_LAG_MILLIS / 1000 + " s: " + failure.getMessage());
          stored.complete(MasterLog.Appended.STORED);
          return;
        }
        // Not stored (server unreachable, leader changing): the same segment again; the server stores a seq once.
        CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS, executor)
            .execute(() -> append(seq, segment, stored, since));
      }
    });
  }

  private void stop(String why) {
    if (stopped == null) {
      stopped = why;
    }
  }
}
