package dev.schedulerx.worker.task;

/**
 * One task of an instance as a container runs it: id, name (e.g. {@code MAP_TASK_ROOT}), body, attempt
 * counters with the wait between attempts (seconds), and the sharding count (broadcast: number of workers).
 */
public record TaskSpec(long taskId, String taskName, byte[] body, int attempt, int maxAttempt, int attemptIntervalSeconds, int shardingNum) {
  public TaskSpec {
    taskName = taskName == null ? "" : taskName;
    body = body == null ? new byte[0] : body;
  }

  /** The only task of a standalone instance. */
  public static TaskSpec standalone() {
    return new TaskSpec(0, "", null, 0, 0, 0, 0);
  }
}
