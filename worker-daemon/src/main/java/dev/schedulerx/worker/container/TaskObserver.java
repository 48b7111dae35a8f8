package dev.schedulerx.worker.container;

import dev.schedulerx.api.TaskStatus;

/**
 * What the containers tell observers (metrics) about tasks. Called on pool threads and on the runner's
 * actor thread, so implementations must be thread-safe and quick.
 */
public interface TaskObserver {
  /** Nobody listens. */
  TaskObserver NONE = new TaskObserver() {};

  /** A processor starts a task of {@code job} on a pool thread, {@code waitedNanos} after it reached this worker. */
  default void started(String job, long waitedNanos) {}

  /** That processor call returned (or threw). */
  default void stopped(String job) {}

  /** A task's final status was reported (once per task, after local re-runs). */
  default void finished(String job, TaskStatus status) {}

  /** Tasks waiting in the container queues went up or down by {@code delta}. */
  default void queued(int delta) {}

  /** A master resumed an instance from its predecessors' log and runs {@code unfinished} of its tasks again or anew. */
  default void masterResumed(long unfinished) {}

  /** Bytes of masters' operation logs the server has not stored yet went up or down by {@code delta} (the log's lag). */
  default void masterLogUnstored(long delta) {}
}
