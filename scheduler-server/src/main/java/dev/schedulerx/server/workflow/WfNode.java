package dev.schedulerx.server.workflow;

import dev.schedulerx.server.store.InstanceState;
import java.time.Instant;

/**
 * One node of a workflow run, joined with its current job instance (null fields while it has none).
 *
 * @param state WAITING (not started), RUNNING, SUCCESS, FAILED, KILLED (stopped) or SKIPPED
 * @param runTime the schedule time its job instance gets: with attempt 0 the instance's unique key
 * @param instanceState, instanceAttempt, instanceResult the linked job instance's, null without one
 */
public record WfNode(
    long id,
    long wfInstanceId,
    long jobId,
    String jobName,
    InstanceState state,
    boolean skipRequested,
    Instant runTime,
    Long jobInstanceId,
    String result,
    Instant startedAt,
    Instant finishedAt,
    InstanceState instanceState,
    Integer instanceAttempt,
    String instanceResult,
    Instant instanceFinishedAt) {

  /** Whether children may start after it. */
  public boolean letsChildrenRun() {
    return state == InstanceState.SUCCESS || state == InstanceState.SKIPPED;
  }
}
