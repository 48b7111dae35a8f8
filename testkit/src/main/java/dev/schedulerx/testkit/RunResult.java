package dev.schedulerx.testkit;

import dev.schedulerx.api.InstanceStatus;
import java.util.Map;

/**
 * How one {@link SchedulerxCluster#run} ended, as the scheduler server recorded it.
 *
 * @param instanceId the job instance id on the server
 * @param status the final status: {@code SUCCESS}, {@code FAILED} or {@code KILLED}
 * @param result the instance result: the processor's (or reduce's, or postProcess's) result text, or why it failed
 * @param master the id of the worker that mastered the instance (ran standalone processors, root tasks,
 *     reduce and postProcess)
 * @param tasksPerWorker for broadcast, Map and MapReduce runs: the number of tasks each worker ran, keyed by
 *     the worker's id (as in {@link SchedulerxCluster#workerIds()}), the root task counted on the master;
 *     workers that ran none are absent; empty for standalone
 */
public record RunResult(long instanceId, InstanceStatus status, String result, String master, Map<String, Integer> tasksPerWorker) {

  /** Copies the map. */
  public RunResult {
    tasksPerWorker = Map.copyOf(tasksPerWorker);
  }

  /**
   * Returns whether the instance succeeded.
   *
   * @return true for {@link InstanceStatus#SUCCESS}
   */
  public boolean succeeded() {
    return status == InstanceStatus.SUCCESS;
  }
}
