package dev.schedulerx.worker.container;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The threads processor code runs on: a fixed pool per daemon, never an actor dispatcher. Work is
 * handed in as a supplier and comes back as a future the caller pipes to its actor.
 */
public final class ContainerPool implements AutoCloseable {
  private final ExecutorService executor;
  private final int threads;

  public ContainerPool(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("a container pool needs at least one thread, got " + threads);
    }
    this.threads = threads;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "sx-processor-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** How many pieces of work run at once at most. */
  public int threads() {
    return threads;
  }

  /**
   * A running piece of user work: its result, and a handle to interrupt it. The result always completes:
   * with the work's value, or exceptionally if the work threw or was interrupted before it started.
   */
  public record Running<T>(CompletableFuture<T> result, Future<?> handle) {
    public void interrupt() {
      handle.cancel(true);
    }
  }

  public <T> Running<T> run(Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    AtomicBoolean started = new AtomicBoolean();
    FutureTask<Void> task =
        new FutureTask<>(
            () -> {
              started.set(true);
              try {
                result.complete(work.get());
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            },
            null) {
          @Override
          protected void done() {
            // Cancelled while still queued: the work never runs, so nobody else completes the result.
            if (isCancelled() && !started.get()) {
              result.completeExceptionally(new CancellationException("interrupted before it started"));
            }
          }
        };
    executor.execute(task);
    return new Running<>(result, task);
  }

  /** Fire-and-forget side work of user code (e.g. a processor's kill hook). */
  public void execute(Runnable work) {
    executor.execute(work);
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
