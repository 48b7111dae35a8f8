package dev.schedulerx.worker.remote;

import com.alibaba.schedulerx.protocol.Common.UpstreamData;
import com.alibaba.schedulerx.protocol.Server.ServerKillJobInstanceRequest;
import com.alibaba.schedulerx.protocol.Server.ServerKillJobInstanceResponse;
import com.alibaba.schedulerx.protocol.Server.ServerSubmitJobInstanceRequest;
import com.alibaba.schedulerx.protocol.Server.ServerSubmitJobInstanceResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.api.UpstreamResult;
import dev.schedulerx.protocol.Batch;
import dev.schedulerx.protocol.Resume;
import dev.schedulerx.worker.remote.WorkerGuardian;
import dev.schedulerx.worker.script.BuiltInProcessors;
import dev.schedulerx.worker.task.InstanceSpec;
import dev.schedulerx.worker.task.WorkflowView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /user/job_instance_routing}: the server submits and kills instances here. Translates the wire
 * requests into the guardian's typed commands and the answers back; nothing else. Classic, because the
 * reply goes to the request's sender.
 */
public final class JobInstanceEndpoint extends AbstractActor {
  private static final Logger log = LoggerFactory.getLogger(JobInstanceEndpoint.class);
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(3);

  private final org.apache.pekko.actor.typed.ActorRef<WorkerGuardian.Command> guardian;

  private JobInstanceEndpoint(org.apache.pekko.actor.typed.ActorRef<WorkerGuardian.Command> guardian) {
    this.guardian = guardian;
  }

  public static Props props(org.apache.pekko.actor.typed.ActorRef<WorkerGuardian.Command> guardian) {
    return Props.create(JobInstanceEndpoint.class, () -> new JobInstanceEndpoint(guardian));
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(ServerSubmitJobInstanceRequest.class, this::onSubmit)
        .match(Batch.ServerSubmitJobInstancesRequest.class, this::onSubmitAll)
        .match(ServerKillJobInstanceRequest.class, this::onKill)
        .match(Resume.ServerResumeJobInstanceRequest.class, this::onResume)
        .build();
  }

  private void onSubmit(ServerSubmitJobInstanceRequest request) {
    InstanceSpec spec;
    try {
      spec = toSpec(request);
    } catch (IllegalArgumentException e) {
      refuse(request.getJobInstanceId(), "submit", e.getMessage());
      return;
    }
    submit(spec);
  }

  /**
   * Our server's batch of submits (a workflow node's children): one guardian message for all of them, one answer
   * naming each instance. A submit that cannot be read is refused alone; the others start.
   */
  private void onSubmitAll(Batch.ServerSubmitJobInstancesRequest request) {
    Batch.ServerSubmitJobInstancesResponse.Builder answer = Batch.ServerSubmitJobInstancesResponse.newBuilder();
    List<InstanceSpec> specs = new ArrayList<>(request.getSubmitsCount());
    for (ServerSubmitJobInstanceRequest submit : request.getSubmitsList()) {
      try {
        specs.add(toSpec(submit));
      } catch (IllegalArgumentException e) {
        log.warn("submit of instance {} refused: {}", submit.getJobInstanceId(), e.getMessage());
        answer.addOutcomes(outcome(submit.getJobInstanceId(), false, e.getMessage()));
      }
    }
    ActorRef replyTo = getSender();
    if (specs.isEmpty()) {
      replyTo.tell(answer.build(), getSelf());
      return;
    }
    AskPattern.<WorkerGuardian.Command, List<WorkerGuardian.Reply>>ask(
            guardian, r -> new WorkerGuardian.SubmitAll(specs, r), ASK_TIMEOUT, Adapter.toTyped(getContext().getSystem()).scheduler())
        .whenComplete(
            (replies, failure) -> {
              for (int i = 0; i < specs.size(); i++) {
                long id = specs.get(i).instanceId();
                answer.addOutcomes(failure != null
                    ? outcome(id, false, "worker busy: " + failure.getMessage())
                    : outcome(id, replies.get(i).accepted(), replies.get(i).message()));
              }
              replyTo.tell(answer.build(), ActorRef.noSender());
            });
  }

  private static Batch.SubmitOutcome outcome(long instanceId, boolean success, String message) {
    return Batch.SubmitOutcome.newBuilder().setJobInstanceId(instanceId).setSuccess(success)
        .setMessage(message == null ? "" : message).build();
  }

  /** Our server hands over a running instance whose master was lost: this worker carries it on from its log. */
  private void onResume(Resume.ServerResumeJobInstanceRequest request) {
    InstanceSpec spec;
    try {
      spec = toSpec(ServerSubmitJobInstanceRequest.parseFrom(request.getSubmit())).resumedAt(request.getEpoch());
    } catch (com.google.protobuf.InvalidProtocolBufferException | IllegalArgumentException e) {
      refuse(-1, "resume", e.getMessage());
      return;
    }
    log.info("{}: resuming as master at epoch {} (previous master {}: {})", spec.label(), request.getEpoch(),
        request.getPreviousMaster(), request.getReason());
    submit(spec);
  }

  private void refuse(long instanceId, String what, String why) {
    log.warn("{} of instance {} refused: {}", what, instanceId, why);
    getSender().tell(ServerSubmitJobInstanceResponse.newBuilder().setSuccess(false).setMessage(why).build(), getSelf());
  }

  private void submit(InstanceSpec spec) {
    ActorRef replyTo = getSender();
    AskPattern.<WorkerGuardian.Command, WorkerGuardian.Reply>ask(
            guardian, r -> new WorkerGuardian.Submit(spec, r), ASK_TIMEOUT, Adapter.toTyped(getContext().getSystem()).scheduler())
        .whenComplete(
            (reply, failure) -> {
              boolean ok = failure == null && reply.accepted();
              String message = failure != null ? "worker busy: " + failure.getMessage() : reply.message();
              replyTo.tell(ServerSubmitJobInstanceResponse.newBuilder().setSuccess(ok).setMessage(message).build(), ActorRef.noSender());
            });
  }

  private void onKill(ServerKillJobInstanceRequest request) {
    ActorRef replyTo = getSender();
    AskPattern.<WorkerGuardian.Command, WorkerGuardian.Reply>ask(
            guardian,
            r -> new WorkerGuardian.Kill(request.getJobInstanceId(), "killed from server", r),
            ASK_TIMEOUT,
            Adapter.toTyped(getContext().getSystem()).scheduler())
        .whenComplete(
            (reply, failure) ->
                replyTo.tell(
                    ServerKillJobInstanceResponse.newBuilder()
                        .setSuccess(failure == null && reply.accepted())
                        .setMessage(failure == null ? reply.message() : failure.toString())
                        .build(),
                    ActorRef.noSender()));
  }

  /** Wire request → the daemon's instance spec. The processor comes from content's className or jobName. */
  static InstanceSpec toSpec(ServerSubmitJobInstanceRequest r) {
    return new InstanceSpec(
        r.getJobId(),
        r.getJobInstanceId(),
        r.getJobName(),
        r.getGroupId(),
        r.getExecuteMode(),
        processorName(r.getJobType(), r.getContent()),
        r.getParameters(),
        r.getInstanceParameters(),
        Instant.ofEpochMilli(r.getScheduleTime()),
        Instant.ofEpochMilli(r.getDataTime()),
        r.getAttempt(),
        r.getMaxAttempt(),
        r.getUser(),
        r.getXattrs(),
        r.getWorkersList(),
        r.getJobType(),
        r.getContent(),
        WorkflowView.of(r.getWorkflowId(), r.getWfInstanceId(), upstream(r.getUpstreamDataList())), 0);
  }

  /** Wire upstream entries → the plugin API's pairs (both fields are required on the wire). */
  static List<UpstreamResult> upstream(List<UpstreamData> data) {
    if (data.isEmpty()) {
      return List.of();
    }
    List<UpstreamResult> results = new ArrayList<>(data.size());
    for (UpstreamData d : data) {
      results.add(new UpstreamResult(d.getJobName(), d.getData()));
    }
    return results;
  }

  /**
   * The processor of a job: for script and HTTP job types the daemon's built-in one (its content is the
   * script or request), else the plugin processor the content names.
   */
  static String processorName(String jobType, String content) {
    java.util.Optional<String> builtIn = BuiltInProcessors.forJobType(jobType);
    if (builtIn.isPresent()) {
      return builtIn.get();
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(content);
    } catch (Exception e) {
      throw new IllegalArgumentException("content is not JSON: " + content);
    }
    String key = "java".equals(jobType) ? "className" : "jobName";
    String name = node == null ? "" : node.path(key).asText("");
    if (name.isBlank()) {
      name = node == null ? "" : node.path("java".equals(jobType) ? "jobName" : "className").asText("");
    }
    if (name.isBlank()) {
      throw new IllegalArgumentException("content names no processor (expected \"" + key + "\"): " + content);
    }
    return name;
  }

  /** Made at first use: Jackson's tree model loads some 350 classes, and this class is loaded at every start. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }
}
