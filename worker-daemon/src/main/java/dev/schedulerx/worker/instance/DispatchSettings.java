package dev.schedulerx.worker.instance;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a master spreads tasks: at most {@code window} unfinished tasks per worker (a slow worker gets
 * fewer), sent in batches of at most {@code batchSize}; a worker missing {@code aliveMisses} checks in a
 * row, one every {@code aliveInterval}, is declared dead and its tasks go elsewhere. Pending task bodies
 * beyond {@code memoryBudgetBytes} spill to files under {@code spillDir}. Progress goes to the server every {@code
 * progressInterval}.
 */
public record DispatchSettings(
    int window, int batchSize, Duration aliveInterval, int aliveMisses, Duration progressInterval, long memoryBudgetBytes, Path spillDir) {

  /** Liveness checks every 2 s (a worker gone after 3 misses), progress once a second: the defaults. */
  public static DispatchSettings of(int window, int batchSize, long memoryBudgetBytes, Path spillDir) {
    return new DispatchSettings(window, batchSize, Duration.ofSeconds(2), 3, Duration.ofSeconds(1), memoryBudgetBytes, spillDir);
  }
}
