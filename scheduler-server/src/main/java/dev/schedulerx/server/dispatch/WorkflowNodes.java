package dev.schedulerx.server.dispatch;

import dev.schedulerx.server.gateway.WorkerGateway;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;

/**
 * How the instance lifecycle and the due-pass meet the workflow engine, without depending on it: jobs that are
 * workflow nodes do not fire on their own schedule, every launch of a node's instance (first run and retries)
 * carries the workflow payload, and every instance end is reported. Implementations must be quick and
 * thread-safe: {@link #holdsJob} is asked per job and due tick, {@link #ended} runs on store threads.
 */
public interface WorkflowNodes {
  /** No workflows. */
  WorkflowNodes NONE = new WorkflowNodes() {};

  /** What a launch of a workflow node's instance sends, or why it must not run (then {@code payload} is null). */
  record NodeLaunch(WorkerGateway.WorkflowPayload payload, String refusal) {}

  /** Whether the job is a node of a workflow (then its own schedule does not fire it). */
  default boolean holdsJob(long jobId) {
    return false;
  }

  /** Called before each submit of an instance; null when the instance is not a workflow node's. */
  default NodeLaunch beforeLaunch(JobDefinition job, JobInstance instance) {
    return null;
  }

  /** An instance was recorded finished in {@code state} (once per instance). */
  default void ended(long instanceId, long jobId, InstanceState state) {}
}
