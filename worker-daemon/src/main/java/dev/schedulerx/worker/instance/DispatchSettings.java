package dev.schedulerx.worker.instance;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a master spreads tasks: at most {@code window} unfinished tasks per worker (a slow worker gets
 * fewer), sent in batches of at most {@code batchSize}; a worker missing {@code aliveMisses} checks in a
 * row, one every {@code aliveInterval}, is declared dead and its tasks go elsewhere. Pending task bodies
 * beyond {@code memoryBudgetBytes} spill to files under {@code spillDir}.
 */
public record DispatchSettings(
    int window, int batchSize, Duration aliveInterval, int aliveMisses, Duration progressInterval, long memoryBudgetBytes, Path spillDir) {

  /** The configured window, batch size and memory budget, with the daemon's liveness and progress timings. */
  public static DispatchSettings of(int window, int batchSize, long memoryBudgetBytes, Path spillDir) {
    return new DispatchSettings(window, batchSize, Duration.ofSeconds(2), 3, Duration.ofSeconds(1), memoryBudgetBytes, spillDir);
  }
}
