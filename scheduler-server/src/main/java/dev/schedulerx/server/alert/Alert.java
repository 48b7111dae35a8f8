package dev.schedulerx.server.alert;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.util.List;

/**
 * What one alert says: everything a message names (group, job, instance, worker, reason, times, console link).
 * Stored as the JSON payload of each of its delivery rows, so any node can send it.
 *
 * @param key the alert's identity without the target (rule, job, instance or streak); with the target it is the
 *     idempotency key receivers see
 * @param count consecutive failures for FAILURE, suppressed alerts for DIGEST, else 0
 * @param mentionAll @all on platforms that have it
 * @param workflow the workflow run a WORKFLOW_FAILURE alert is about; null for the others
 */
public record Alert(
    String key,
    AlertKind kind,
    String groupId,
    Long jobId,
    String jobName,
    Long instanceId,
    Integer attempt,
    String worker,
    String reason,
    Instant scheduleTime,
    Instant startTime,
    Instant endTime,
    Instant raisedAt,
    String link,
    int count,
    boolean mentionAll,
    List<String> details,
    WorkflowRun workflow) {

  /** The workflow and the run of a workflow alert. */
  public record WorkflowRun(long id, String name, long instanceId) {}

  @JsonCreator
  public Alert {
    details = details == null ? List.of() : List.copyOf(details);
    reason = reason == null ? "" : reason;
  }

  /** An alert about a job (or none): no workflow. */
  public Alert(String key, AlertKind kind, String groupId, Long jobId, String jobName, Long instanceId, Integer attempt,
      String worker, String reason, Instant scheduleTime, Instant startTime, Instant endTime, Instant raisedAt,
      String link, int count, boolean mentionAll, List<String> details) {
    this(key, kind, groupId, jobId, jobName, instanceId, attempt, worker, reason, scheduleTime, startTime, endTime,
        raisedAt, link, count, mentionAll, details, null);
  }

  /** What the alert is about, as the history's job name column shows it: the job's name or "workflow NAME". */
  String subject() {
    return workflow != null ? "workflow " + workflow.name() : jobName;
  }

  /** The message title, e.g. {@code [SchedulerX] job hello failed}. */
  String title() {
    if (kind == AlertKind.DIGEST || kind == AlertKind.TEST) {
      return "[SchedulerX] " + kind.verb();
    }
    if (workflow != null) {
      return "[SchedulerX] workflow " + workflow.name() + " " + kind.verb();
    }
    return "[SchedulerX] job " + jobName + " " + kind.verb();
  }

  /** Plain text lines: title, then the facts. */
  String text() {
    StringBuilder b = new StringBuilder(title()).append('\n');
    if (groupId != null) {
      b.append("group: ").append(groupId).append('\n');
    }
    if (workflow != null) {
      b.append("workflow: ").append(workflow.name()).append(" (id ").append(workflow.id()).append(")\n")
          .append("workflow instance: ").append(workflow.instanceId()).append('\n');
    }
    if (jobName != null) {
      b.append("job: ").append(jobName).append(jobId == null ? "" : " (id " + jobId + ")").append('\n');
    }
    if (instanceId != null) {
      b.append("instance: ").append(instanceId).append(attempt == null || attempt == 0 ? "" : " (retry " + attempt + ")")
          .append('\n');
    }
    if (worker != null && !worker.isEmpty()) {
      b.append("worker: ").append(worker).append('\n');
    }
    if (!reason.isEmpty()) {
      b.append("reason: ").append(reason).append('\n');
    }
    if (kind == AlertKind.FAILURE && count > 1) {
      b.append("consecutive failures: ").append(count).append('\n');
    }
    if (scheduleTime != null) {
      b.append("scheduled: ").append(scheduleTime).append('\n');
    }
    if (startTime != null) {
      b.append("started: ").append(startTime).append('\n');
    }
    if (endTime != null) {
      b.append("ended: ").append(endTime).append('\n');
    }
    details.forEach(d -> b.append(d).append('\n'));
    if (link != null && !link.isEmpty()) {
      b.append(link).append('\n');
    }
    b.append("raised: ").append(raisedAt);
    return b.toString();
  }
}
