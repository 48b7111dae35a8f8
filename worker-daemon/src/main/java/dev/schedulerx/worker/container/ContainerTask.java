package dev.schedulerx.worker.container;

import static java.util.Objects.requireNonNull;

/**
 * One task waiting for or running on a container thread. Kept small: up to hundreds of thousands may be
 * queued on one worker, so it holds only what differs from task to task.
 *
 * @param group what it shares with the other tasks of its batch
 * @param taskId the task's id within the instance
 * @param taskName e.g. {@code MAP_TASK_ROOT} or the name given to map(); empty for standalone/broadcast
 * @param body the task body as the master sent it (JSON bytes), never null
 * @param attempt 0 for the first run, then 1, 2, … for local re-runs
 */
public record ContainerTask(TaskGroup group, long taskId, String taskName, byte[] body, int attempt) {
  private static final byte[] NO_BODY = new byte[0];

  public ContainerTask {
    requireNonNull(group, "group");
    taskName = taskName == null ? "" : taskName;
    body = body == null || body.length == 0 ? NO_BODY : body;
  }

  /** The same task for its next local attempt. */
  ContainerTask nextAttempt() {
    return new ContainerTask(group, taskId, taskName, body, attempt + 1);
  }

  /** Whether another attempt is allowed after this one failed. */
  boolean mayRetry() {
    return attempt < group.retries(taskId);
  }
}
