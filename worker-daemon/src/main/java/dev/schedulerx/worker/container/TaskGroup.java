package dev.schedulerx.worker.container;

import static java.util.Objects.requireNonNull;

import dev.schedulerx.job.ExecuteMode;
import dev.schedulerx.worker.task.InstanceSpec;
import java.time.Duration;

/**
 * What the tasks of one instance that arrive together share: the instance, the master to report to, and
 * the per-instance knobs the master copies into every start request. One object is referenced by every
 * queued task of a batch, so a queued task costs little more than its id, name and body.
 *
 * @param instance the job instance (processor, parameters, times, attempts)
 * @param masterPath full actor path of the master's {@code map_master_router}: reports and map() go there
 * @param serialNum second-delay cycle (0 otherwise), echoed in status reports
 * @param consumers how many tasks of this instance may run at once on this worker; 0 means no own limit
 * @param taskMaxAttempt wire field 19: how often a failed task is re-run; 0 falls back to {@code maxAttempt}
 * @param maxAttempt wire field 17 (Go masters put the job's taskMaxAttempt here)
 * @param retryInterval pause before a failed task is re-run
 * @param shardingNum broadcast: number of workers; sharding: number of shards
 */
public record TaskGroup(
    InstanceSpec instance,
    String masterPath,
    long serialNum,
    int consumers,
    int taskMaxAttempt,
    int maxAttempt,
    Duration retryInterval,
    int shardingNum) {

  public TaskGroup {
    requireNonNull(instance, "instance");
    requireNonNull(masterPath, "masterPath");
    requireNonNull(retryInterval, "retryInterval");
  }

  public long instanceId() {
    return instance.instanceId();
  }

  /**
   * How many times a failed task is re-run: {@code taskMaxAttempt} when set; otherwise, as the Go
   * container does, {@code maxAttempt} for every task but task 0.
   */
  public int retries(long taskId) {
    if (taskMaxAttempt > 0) {
      return taskMaxAttempt;
    }
    return maxAttempt > 0 && taskId > 0 ? maxAttempt : 0;
  }

  /** Whether processors of this instance may create sub-tasks. */
  public boolean mayMap() {
    return ExecuteMode.maps(instance.executeMode());
  }
}
