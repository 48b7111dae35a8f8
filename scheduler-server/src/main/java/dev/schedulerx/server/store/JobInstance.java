package dev.schedulerx.server.store;

import dev.schedulerx.protocol.WorkerAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of a job as stored. Immutable snapshot; the repository's state transitions return whether
 * they applied rather than a new snapshot. Instants have millisecond precision.
 *
 * @param scheduleTime the slot this run belongs to; with {@code jobId} and {@code attempt} it
 *     identifies the run
 * @param attempt 0 for the first run of a slot, then 1, 2, ... for instance-level retries
 * @param instanceParameters never null ({@code ""} when unset)
 * @param workerId null until a worker took the run
 * @param workerAddr null until a worker took the run
 * @param result null until finished; at most {@link InstanceRepository#MAX_RESULT_LENGTH}
 *     characters
 * @param progress latest progress JSON, null until reported
 * @param startedAt null until running
 * @param finishedAt null until finished
 * @param queued true while the run waits (WAITING) for a free slot of a job whose concurrency policy is
 *     queue; such a run has not been handed to any worker yet
 */
public record JobInstance(
    long id,
    long jobId,
    String groupId,
    String jobName,
    Instant scheduleTime,
    TriggerType triggerType,
    InstanceState state,
    int attempt,
    String instanceParameters,
    String workerId,
    String workerAddr,
    String result,
    String progress,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    boolean queued) {

  public JobInstance {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(jobName, "jobName");
    Objects.requireNonNull(scheduleTime, "scheduleTime");
    Objects.requireNonNull(triggerType, "triggerType");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    instanceParameters = Texts.orEmpty(instanceParameters);
  }

  /** Whether the state is final. */
  public boolean isFinished() {
    return state.isFinished();
  }

  /** The worker that took the run, empty until one did. */
  public Optional<WorkerAddress> master() {
    if (workerId == null || workerId.isEmpty() || workerAddr == null) {
      return Optional.empty();
    }
    return Optional.of(WorkerAddress.parse(workerId + "@" + workerAddr));
  }
}
