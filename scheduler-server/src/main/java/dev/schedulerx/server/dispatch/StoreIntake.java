package dev.schedulerx.server.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store work that arrives an item at a time from many threads (accepted submits, status reports) and is stored many
 * per transaction: items queue here in lanes by key (an instance id), and per lane one drain at a time takes what
 * queued meanwhile (up to {@code max}) on the store executor. Items of one key are therefore drained one batch after
 * another, never by two threads at once; different lanes store in parallel, as a task per item did, so a busy
 * server's store keeps its share of the CPU. When items come one by one a drain takes one; under load one commit
 * serves many.
 */
final class StoreIntake<T> {
  private static final Logger log = LoggerFactory.getLogger(StoreIntake.class);

  private final Lane[] lanes;
  private final ToLongFunction<T> key;
  private final Executor executor;
  private final int max;
  private final Consumer<List<T>> drain;
  /** While above zero and before {@link #holdEnds}, no drain starts (see {@link #hold}). */
  private final AtomicInteger holds = new AtomicInteger();
  /** {@link System#nanoTime} at which the current hold stops holding. */
  private volatile long holdEnds;

  /**
   * @param lanes how many drains may run at once (each with its own keys)
   * @param drain stores a batch and tells each item's owner; must not throw (a throw is logged, the items lost)
   */
  StoreIntake(Executor executor, int lanes, int max, ToLongFunction<T> key, Consumer<List<T>> drain) {
    this.executor = executor;
    this.max = max;
    this.key = key;
    this.drain = drain;
    this.lanes = new StoreIntake.Lane[lanes];
    for (int i = 0; i < lanes; i++) {
      this.lanes[i] = new Lane();
    }
  }

  /**
   * No drain starts until the matching {@link #release}, or for {@code atMost} after the first of nested holds: a
   * burst of launches (a workflow's fan-out) gets the CPU before the bookkeeping of the runs it already launched,
   * and a long burst does not keep workers waiting for acknowledgements until they send their reports again. Any
   * thread.
   */
  void hold(Duration atMost) {
    if (holds.getAndIncrement() == 0) {
      holdEnds = System.nanoTime() + atMost.toNanos();
    }
  }

  private boolean held() {
    return holds.get() > 0 && System.nanoTime() - holdEnds < 0;
  }

  void release() {
    if (holds.decrementAndGet() == 0) {
      for (Lane lane : lanes) {
        lane.kick();
      }
    }
  }

  void add(T item) {
    Lane lane = lanes[(int) Math.floorMod(key.applyAsLong(item), (long) lanes.length)];
    lane.queue.add(item);
    lane.kick();
  }

  private final class Lane {
    final Queue<T> queue = new ConcurrentLinkedQueue<>();
    final AtomicBoolean draining = new AtomicBoolean();

    void kick() {
      if (!held() && !queue.isEmpty() && draining.compareAndSet(false, true)) {
        try {
          executor.execute(this::drainOnce);
        } catch (RejectedExecutionException e) {
          draining.set(false); // the server stops: the items stay unstored, their workers re-send them to the next leader
        }
      }
    }

    private void drainOnce() {
      try {
        List<T> items = new ArrayList<>();
        T item;
        while (items.size() < max && (item = queue.poll()) != null) {
          items.add(item);
        }
        if (!items.isEmpty()) {
          drain.accept(items);
        }
      } catch (RuntimeException e) {
        log.error("store batch failed unexpectedly", e);
      } finally {
        draining.set(false);
        kick(); // what arrived during this drain
      }
    }
  }
}
