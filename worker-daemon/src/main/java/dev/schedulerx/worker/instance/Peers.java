package dev.schedulerx.worker.instance;

import dev.schedulerx.worker.task.InstanceSpec;
import dev.schedulerx.worker.task.TaskSpec;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * How a master reaches the workers of its group (itself included): the wire side lives in the remote
 * package, so supervisors stay free of protocol types. Workers are named as the server lists them,
 * {@code workerId@host:port}.
 */
public interface Peers {
  /** Hands tasks to a worker's containers; completes when accepted, fails on refusal or timeout. */
  CompletionStage<Void> startTasks(String worker, InstanceSpec instance, List<TaskSpec> tasks);

  /** Completes when the worker answers; fails when it does not within the check timeout. */
  CompletionStage<Void> checkAlive(String worker, long instanceId);

  /** Asks a worker to kill every task of the instance it holds (fire and forget). */
  void kill(String worker, InstanceSpec instance);

  /** Tells a worker the instance is over, so it may drop what it kept for it (fire and forget). */
  void destroy(String worker, InstanceSpec instance);

  /**
   * Master resume: from {@code epoch} on, {@code worker} takes the instance's tasks from this master only and drops
   * those an earlier master gave it (fire and forget).
   */
  void claim(String worker, InstanceSpec instance, int epoch);

  /** This master was replaced after {@code epoch}: this worker's own containers drop the tasks it gave them. */
  void release(InstanceSpec instance, int epoch);
}
