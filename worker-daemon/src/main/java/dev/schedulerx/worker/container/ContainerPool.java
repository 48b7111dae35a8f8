package dev.schedulerx.worker.container;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadPoolExecutor;
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
  private final TaskObserver observer;

  public ContainerPool(int threads) {
    this(threads, TaskObserver.NONE);
  }

  /** A pool whose tasks (see {@link #runTask}) are reported to {@code observer}. */
  public ContainerPool(int threads, TaskObserver observer) {
    if (threads < 1) {
      throw new IllegalArgumentException("a container pool needs at least one thread, got " + threads);
    }
    this.threads = threads;
    this.observer = observer;
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

  /** Who hears of tasks run here; the runner also reports queueing and final statuses to it. */
  public TaskObserver observer() {
    return observer;
  }

  /** Pieces of work handed to the pool that no thread has taken yet. */
  public int waiting() {
    return executor instanceof ThreadPoolExecutor pool ? pool.getQueue().size() : 0;
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

  /**
   * Like {@link #run}, for one task of {@code job}: the observer hears when it starts (with the time since
   * {@code handedAtNanos}, a {@link System#nanoTime()} value) and when it returns.
   */
  public <T> Running<T> runTask(String job, long handedAtNanos, Supplier<T> work) {
    return run(() -> {
      observer.started(job, System.nanoTime() - handedAtNanos);
      try {
        return work.get();
      } finally {
        observer.stopped(job);
      }
    });
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
