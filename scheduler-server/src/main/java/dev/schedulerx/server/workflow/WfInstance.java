package dev.schedulerx.server.workflow;

import dev.schedulerx.server.store.InstanceState;
import java.time.Instant;

/**
 * One run of a workflow as stored. {@code state}: WAITING (queued for a slot), RUNNING, SUCCESS, FAILED,
 * KILLED (stopped) or SKIPPED (over max concurrency). {@code dag} and {@code failurePolicy} are the run's copy.
 */
public record WfInstance(
    long id,
    long workflowId,
    Instant scheduleTime,
    String triggerType,
    InstanceState state,
    boolean suspended,
    String instanceParameters,
    Dag dag,
    String failurePolicy,
    String reason,
    Instant createdAt,
    Instant finishedAt) {

  public boolean isFinished() {
    return state.isFinished();
  }
}
