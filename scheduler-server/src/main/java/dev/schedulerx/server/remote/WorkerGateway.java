package dev.schedulerx.server.remote;

import com.alibaba.schedulerx.protocol.Server.ServerKillJobInstanceRequest;
import com.alibaba.schedulerx.protocol.Server.ServerKillJobInstanceResponse;
import com.alibaba.schedulerx.protocol.Server.ServerSubmitJobInstanceRequest;
import com.alibaba.schedulerx.protocol.Server.ServerSubmitJobInstanceResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.WorkerAddress;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.pattern.Patterns;

/** Sends the server's requests to workers (submit, kill) and turns their replies into outcomes. */
public final class WorkerGateway {
  /** What a worker said to a request; {@code accepted} false carries the worker's message. */
  public record Outcome(boolean accepted, String message) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorSystem system;
  private final Duration timeout;

  public WorkerGateway(ActorSystem system, Duration timeout) {
    this.system = system;
    this.timeout = timeout;
  }

  /** Asks {@code master} to run {@code instance}; {@code workers} is the group the master may use. */
  public CompletionStage<Outcome> submit(
      WorkerAddress master, JobDefinition job, JobInstance instance, List<WorkerAddress> workers, long appGroupId) {
    ServerSubmitJobInstanceRequest request = submitRequest(job, instance, workers, appGroupId);
    return Patterns.ask(system.actorSelection(ActorPaths.onWorker(master, ActorPaths.WORKER_JOB_INSTANCE)), request, timeout)
        .thenApply(
            reply -> {
              if (reply instanceof ServerSubmitJobInstanceResponse r) {
                return new Outcome(r.getSuccess(), r.getMessage());
              }
              return new Outcome(false, "unexpected reply " + reply.getClass().getSimpleName());
            });
  }

  /** Asks the instance's master to kill it. */
  public CompletionStage<Outcome> kill(WorkerAddress master, JobDefinition job, JobInstance instance) {
    ServerKillJobInstanceRequest request =
        ServerKillJobInstanceRequest.newBuilder()
            .setJobId(job.id())
            .setJobInstanceId(instance.id())
            .setUser("schedulerx")
            .setJobType("java")
            .setContent(content(job))
            .setExecuteMode(job.executeMode())
            .build();
    return Patterns.ask(system.actorSelection(ActorPaths.onWorker(master, ActorPaths.WORKER_JOB_INSTANCE)), request, timeout)
        .thenApply(
            reply ->
                reply instanceof ServerKillJobInstanceResponse r
                    ? new Outcome(true, r.getMessage())
                    : new Outcome(false, "unexpected reply " + reply.getClass().getSimpleName()));
  }

  static ServerSubmitJobInstanceRequest submitRequest(
      JobDefinition job, JobInstance instance, List<WorkerAddress> workers, long appGroupId) {
    long scheduleMillis = instance.scheduleTime().toEpochMilli();
    ServerSubmitJobInstanceRequest.Builder b =
        ServerSubmitJobInstanceRequest.newBuilder()
            .setJobId(job.id())
            .setJobInstanceId(instance.id())
            .setScheduleTime(scheduleMillis)
            .setDataTime(scheduleMillis)
            .setJobType("java")
            .setExecuteMode(job.executeMode())
            .setContent(content(job))
            .setUser("schedulerx")
            .setJobConcurrency(job.maxConcurrency())
            .setRegionId(0)
            .setAppGroupId(appGroupId)
            .setGroupId(job.groupId())
            .setJobName(job.name())
            .setTimeType(job.timeType().value())
            // The official worker copies this into every start request and refuses null.
            .setTimeExpression(job.timeExpression() == null ? "" : job.timeExpression())
            .setMaxAttempt(job.maxAttempt())
            .setAttempt(instance.attempt())
            .setParameters(nullToEmpty(job.parameters()))
            .setInstanceParameters(nullToEmpty(instance.instanceParameters()));
    if (job.xattrs() != null && !job.xattrs().isBlank()) {
      b.setXattrs(job.xattrs());
    }
    workers.forEach(w -> b.addWorkers(w.toString()));
    return b.build();
  }

  /** The processor locator SchedulerX puts in {@code content} for java jobs. */
  static String content(JobDefinition job) {
    try {
      return JSON.writeValueAsString(Map.of("className", job.processor()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode processor name " + job.processor(), e);
    }
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
