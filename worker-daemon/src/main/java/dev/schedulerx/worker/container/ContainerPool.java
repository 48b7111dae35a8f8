package dev.schedulerx.worker.container;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The threads processor code runs on: a fixed pool per daemon, never an actor dispatcher. Work is
 * handed in as a supplier and comes back as a future the caller pipes to its actor.
 */
public final class ContainerPool implements AutoCloseable {
  private final ExecutorService executor;

  public ContainerPool(int threads) {
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

  /** A running piece of user work: its result, and a handle to interrupt it. */
  public record Running<T>(CompletableFuture<T> result, Future<?> handle) {
    public void interrupt() {
      handle.cancel(true);
    }
  }

  public <T> Running<T> run(Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Future<?> handle =
        executor.submit(
            () -> {
              try {
                result.complete(work.get());
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            });
    return new Running<>(result, handle);
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
