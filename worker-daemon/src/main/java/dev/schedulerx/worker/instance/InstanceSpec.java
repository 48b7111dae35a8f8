package dev.schedulerx.worker.instance;

import java.time.Instant;
import java.util.List;

/**
 * One job instance as the server submitted it, in the daemon's own terms (no wire types beyond the
 * endpoint that builds it).
 */
public record InstanceSpec(
    long jobId,
    long instanceId,
    String jobName,
    String groupId,
    String executeMode,
    String processor,
    String jobParameters,
    String instanceParameters,
    Instant scheduleTime,
    Instant dataTime,
    int attempt,
    int maxAttempt,
    String user,
    String xattrs,
    List<String> workers,
    WorkflowView workflow) {

  public InstanceSpec {
    workers = List.copyOf(workers);
    workflow = workflow == null ? WorkflowView.NONE : workflow;
  }

  /** An instance outside any workflow. */
  public InstanceSpec(long jobId, long instanceId, String jobName, String groupId, String executeMode, String processor,
      String jobParameters, String instanceParameters, Instant scheduleTime, Instant dataTime, int attempt, int maxAttempt,
      String user, String xattrs, List<String> workers) {
    this(jobId, instanceId, jobName, groupId, executeMode, processor, jobParameters, instanceParameters, scheduleTime,
        dataTime, attempt, maxAttempt, user, xattrs, workers, WorkflowView.NONE);
  }

  /** How the logs name this instance. */
  public String label() {
    return "job " + jobId + " (" + jobName + ") instance " + instanceId;
  }
}
