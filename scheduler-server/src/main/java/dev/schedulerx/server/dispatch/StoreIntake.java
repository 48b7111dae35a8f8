package dev.schedulerx.server.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store work that arrives an item at a time from many threads (accepted submits, status reports) and is stored many
 * per transaction: items queue here, and one drain at a time takes what queued meanwhile (up to {@code max}) on the
 * store executor. When items come one by one a drain takes one, as a task per item did; under load one commit serves
 * many items instead of one each.
 */
final class StoreIntake<T> {
  private static final Logger log = LoggerFactory.getLogger(StoreIntake.class);

  private final Queue<T> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Executor executor;
  private final int max;
  private final Consumer<List<T>> drain;

  /** @param drain stores a batch and tells each item's owner; must not throw (a throw is logged, the items lost) */
  StoreIntake(Executor executor, int max, Consumer<List<T>> drain) {
    this.executor = executor;
    this.max = max;
    this.drain = drain;
  }

  void add(T item) {
    queue.add(item);
    kick();
  }

  private void kick() {
    if (!queue.isEmpty() && draining.compareAndSet(false, true)) {
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
