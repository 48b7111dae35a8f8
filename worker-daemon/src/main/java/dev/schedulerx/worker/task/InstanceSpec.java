package dev.schedulerx.worker.task;

import java.time.Instant;
import java.util.List;

/**
 * One job instance as the server submitted it, in the daemon's own terms (no wire types beyond the
 * endpoint that builds it).
 *
 * @param masterEpoch 0 for the instance's first master; n when this worker resumes it as its n-th successor
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
    String jobType,
    String content,
    WorkflowView workflow,
    int masterEpoch) {

  public InstanceSpec {
    workers = List.copyOf(workers);
    jobType = jobType == null ? "java" : jobType;
    content = content == null ? "" : content;
    workflow = workflow == null ? WorkflowView.NONE : workflow;
  }

  /** A job whose processor is a plugin's (job type java): the content only names it. Outside any workflow. */
  public InstanceSpec(long jobId, long instanceId, String jobName, String groupId, String executeMode, String processor,
      String jobParameters, String instanceParameters, Instant scheduleTime, Instant dataTime, int attempt, int maxAttempt,
      String user, String xattrs, List<String> workers) {
    this(jobId, instanceId, jobName, groupId, executeMode, processor, jobParameters, instanceParameters, scheduleTime,
        dataTime, attempt, maxAttempt, user, xattrs, workers, "java", "", WorkflowView.NONE, 0);
  }

  /** An instance outside any workflow. */
  public InstanceSpec(long jobId, long instanceId, String jobName, String groupId, String executeMode, String processor,
      String jobParameters, String instanceParameters, Instant scheduleTime, Instant dataTime, int attempt, int maxAttempt,
      String user, String xattrs, List<String> workers, String jobType, String content) {
    this(jobId, instanceId, jobName, groupId, executeMode, processor, jobParameters, instanceParameters, scheduleTime,
        dataTime, attempt, maxAttempt, user, xattrs, workers, jobType, content, WorkflowView.NONE, 0);
  }

  /** The same instance for a master that resumes it at {@code epoch} from its predecessors' log. */
  public InstanceSpec resumedAt(int epoch) {
    return new InstanceSpec(jobId, instanceId, jobName, groupId, executeMode, processor, jobParameters,
        instanceParameters, scheduleTime, dataTime, attempt, maxAttempt, user, xattrs, workers, jobType, content,
        workflow, epoch);
  }

  /**
   * Whether the job's content is what runs (a script or an HTTP request, run by a built-in processor) rather
   * than a plugin's processor name: then peers get the job type and content as the server sent them.
   */
  public boolean runsContent() {
    return !"java".equals(jobType) && !content.isEmpty();
  }

  /** How the logs name this instance. */
  public String label() {
    return "job " + jobId + " (" + jobName + ") instance " + instanceId;
  }
}
