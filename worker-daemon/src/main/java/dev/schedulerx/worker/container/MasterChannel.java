package dev.schedulerx.worker.container;

import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.worker.task.TaskContext;
import java.util.List;

/**
 * What the containers need from an instance's master, which sits on the other side of the wire: final
 * task statuses (delivered at least once, in batches) and a {@link TaskContext.TaskMapper} that forwards
 * {@code map()} calls. Implemented by the wire layer; containers never see protocol types.
 */
public interface MasterChannel {

  /** Queues the final status of a task for its master. Never blocks. */
  void report(TaskGroup group, long taskId, String taskName, TaskStatus status, String result);

  /** One task's final status, for {@link #reportAll}. */
  record Outcome(TaskGroup group, long taskId, String taskName, TaskStatus status, String result) {}

  /** Queues the final statuses of several tasks at once (one hand-over instead of one per task). Never blocks. */
  default void reportAll(List<Outcome> outcomes) {
    for (Outcome o : outcomes) {
      report(o.group(), o.taskId(), o.taskName(), o.status(), o.result());
    }
  }

  /** Sends whatever is pending for the instance now instead of waiting for the batch to fill. */
  void flush(long instanceId);

  /** A mapper that sends sub-tasks to the group's master; blocks the calling (container) thread. */
  TaskContext.TaskMapper mapper(TaskGroup group);
}
