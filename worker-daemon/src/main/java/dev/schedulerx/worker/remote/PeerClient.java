package dev.schedulerx.worker.remote;

import com.alibaba.schedulerx.protocol.Common.UpstreamData;
import com.alibaba.schedulerx.protocol.Worker.MasterBatchStartContainersRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterBatchStartContainersResponse;
import com.alibaba.schedulerx.protocol.Worker.MasterCheckWorkerAliveRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterDestroyContainerPoolRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterKillContainerRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterStartContainerRequest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.schedulerx.api.UpstreamResult;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.Resume;
import dev.schedulerx.protocol.WorkerAddress;
import dev.schedulerx.worker.instance.Peers;
import dev.schedulerx.worker.task.InstanceSpec;
import dev.schedulerx.worker.task.TaskSpec;
import dev.schedulerx.worker.task.WorkflowView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.pattern.Patterns;

/**
 * {@link Peers} over the wire: start requests in batches to {@code /user/container_routing}, liveness
 * checks to {@code /user/heartbeat_routing}, kill and destroy. Batches stay under the frame size the
 * official peers accept.
 */
public final class PeerClient implements Peers {
  /** Bytes of start requests per batch; Akka classic's default frame limit is 128,000. */
  static final int MAX_BATCH_BYTES = 100_000;

  private final ActorSystem system;
  private final String masterPath;
  private final Duration startTimeout;
  private final Duration aliveTimeout;
  /** Selections are parsed paths; workers are few, so they are kept. */
  private final Map<String, ActorSelection> containerSelections = new ConcurrentHashMap<>();
  /** Masters of several instances call from their own threads: one immutable record, swapped whole. */
  private volatile Template lastTemplate;

  /**
   * @param masterPath where this worker's containers and peers report, e.g. {@code
   *     akka.tcp://wid@127.0.0.1:7001/user/map_master_router}
   */
  public PeerClient(ActorSystem system, String masterPath, Duration startTimeout, Duration aliveTimeout) {
    this.system = system;
    this.masterPath = masterPath;
    this.startTimeout = startTimeout;
    this.aliveTimeout = aliveTimeout;
  }

  @Override
  public CompletionStage<Void> startTasks(String worker, InstanceSpec instance, List<TaskSpec> tasks) {
    ActorSelection containers = containerSelection(worker);
    MasterStartContainerRequest template = template(instance);
    // Per request: the shared fields (sized once) plus what varies; over-estimating tags is harmless.
    int templateBytes = template.getSerializedSize();
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    MasterBatchStartContainersRequest.Builder batch = newBatch(instance);
    // One builder for every request: build() copies field references, far cheaper than a toBuilder()
    // (a field-by-field merge) per task.
    MasterStartContainerRequest.Builder each = template.toBuilder();
    int bytes = 0;
    String lastName = null;
    ByteString lastNameBytes = ByteString.EMPTY;
    for (TaskSpec task : tasks) {
      if (!task.taskName().equals(lastName)) { // a batch's tasks mostly share their name
        lastName = task.taskName();
        lastNameBytes = utf8(lastName);
      }
      if (task.body().length == 0) {
        each.clearTask(); // a broadcast task has no body; the official worker fails on an empty one ("bytes is null or empty")
      } else {
        // bodies come fresh from the task store and are never written again: wrapped, not copied
        each.setTask(UnsafeByteOperations.unsafeWrap(task.body()));
      }
      MasterStartContainerRequest request =
          each.setTaskId(task.taskId())
              .setTaskNameBytes(lastNameBytes)
              .setTaskMaxAttempt(task.maxAttempt())
              .setTaskAttemptInterval(task.attemptIntervalSeconds())
              .setShardingNum(task.shardingNum())
              .build();
      int size = templateBytes + task.body().length + task.taskName().length() * 3 + 32;
      if (bytes + size > MAX_BATCH_BYTES && batch.getStartReqsCount() > 0) {
        sent.add(sendBatch(containers, batch.build()));
        batch = newBatch(instance);
        bytes = 0;
      }
      batch.addStartReqs(request);
      bytes += size;
    }
    if (batch.getStartReqsCount() > 0) {
      sent.add(sendBatch(containers, batch.build()));
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
  }

  private CompletableFuture<Void> sendBatch(ActorSelection containers, MasterBatchStartContainersRequest batch) {
    return Patterns.ask(containers, batch, startTimeout)
        .thenApply(reply -> {
          if (reply instanceof MasterBatchStartContainersResponse r && r.getSuccess()) {
            return (Void) null;
          }
          String why = reply instanceof MasterBatchStartContainersResponse r ? r.getMessage() : "unexpected reply " + reply.getClass().getSimpleName();
          throw new IllegalStateException(why);
        })
        .toCompletableFuture();
  }

  private static MasterBatchStartContainersRequest.Builder newBatch(InstanceSpec instance) {
    return MasterBatchStartContainersRequest.newBuilder().setJobInstanceId(instance.instanceId()).setJobId(instance.jobId());
  }

  /**
   * The instance's part of every start request. Cached for the instance last asked for (a master sends
   * many batches in a row); built anew when another instance asks.
   */
  private MasterStartContainerRequest template(InstanceSpec instance) {
    Template cached = lastTemplate;
    if (cached != null && cached.instance() == instance) {
      return cached.request();
    }
    MasterStartContainerRequest request = buildTemplate(instance);
    lastTemplate = new Template(instance, request);
    return request;
  }

  private record Template(InstanceSpec instance, MasterStartContainerRequest request) {}

  private ActorSelection containerSelection(String worker) {
    return containerSelections.computeIfAbsent(worker, w -> select(w, ActorPaths.WORKER_CONTAINER));
  }

  /**
   * String fields are set as UTF-8 bytes: every request built from the template shares them, and
   * serializing a bytes field is a copy where a String field would be encoded anew for each request.
   */
  private MasterStartContainerRequest buildTemplate(InstanceSpec instance) {
    MasterStartContainerRequest.Builder request = MasterStartContainerRequest.newBuilder();
    WorkflowView workflow = instance.workflow();
    if (workflow.workflowId() != null) {
      request.setWorkflowId(workflow.workflowId());
    }
    if (workflow.workflowInstanceId() != null) {
      request.setWfInstanceId(workflow.workflowInstanceId());
    }
    for (UpstreamResult up : workflow.upstream()) {
      request.addUpstreamData(UpstreamData.newBuilder().setJobName(up.jobName()).setData(up.result()));
    }
    return request
        .setJobId(instance.jobId())
        .setJobInstanceId(instance.instanceId())
        .setTaskId(0)
        .setScheduleTime(instance.scheduleTime().toEpochMilli())
        .setDataTime(instance.dataTime().toEpochMilli())
        .setJobTypeBytes(utf8(instance.runsContent() ? instance.jobType() : "java"))
        .setContentBytes(utf8(instance.runsContent() ? instance.content() : content(instance.processor())))
        .setXattrsBytes(utf8(instance.runsContent() && instance.xattrs() != null ? instance.xattrs() : ""))
        .setUserBytes(utf8(instance.user()))
        .setParametersBytes(utf8(instance.jobParameters()))
        .setInstanceMasterAkkaPathBytes(utf8(masterPath))
        .setGroupIdBytes(utf8(instance.groupId()))
        .setInstanceParametersBytes(utf8(instance.instanceParameters()))
        .setMaxAttempt(instance.maxAttempt())
        .setAttempt(instance.attempt())
        .setExecuteModeBytes(utf8(instance.executeMode()))
        .setJobNameBytes(utf8(instance.jobName()))
        .setTimeExpressionBytes(ByteString.EMPTY)
        .build();
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }

  @Override
  public CompletionStage<Void> checkAlive(String worker, long instanceId) {
    return Patterns.ask(select(worker, ActorPaths.WORKER_HEARTBEAT),
            MasterCheckWorkerAliveRequest.newBuilder().setJobInstanceId(instanceId).build(), aliveTimeout)
        .thenApply(reply -> (Void) null);
  }

  @Override
  public void kill(String worker, InstanceSpec instance) {
    select(worker, ActorPaths.WORKER_CONTAINER).tell(
        MasterKillContainerRequest.newBuilder()
            .setJobId(instance.jobId()).setJobInstanceId(instance.instanceId()).setMayInterruptIfRunning(true).build(),
        ActorRef.noSender());
  }

  @Override
  public void destroy(String worker, InstanceSpec instance) {
    select(worker, ActorPaths.WORKER_CONTAINER).tell(
        MasterDestroyContainerPoolRequest.newBuilder().setJobInstanceId(instance.instanceId()).setJobId(instance.jobId()).build(),
        ActorRef.noSender());
  }

  @Override
  public void claim(String worker, InstanceSpec instance, int epoch) {
    containerSelection(worker).tell(fence(instance, epoch, masterPath), ActorRef.noSender());
  }

  @Override
  public void release(InstanceSpec instance, int epoch) {
    system.actorSelection("/user/" + ActorPaths.WORKER_CONTAINER).tell(fence(instance, epoch + 1, ""), ActorRef.noSender());
  }

  private static Resume.MasterFenceRequest fence(InstanceSpec instance, int epoch, String masterPath) {
    return Resume.MasterFenceRequest.newBuilder().setJobInstanceId(instance.instanceId()).setEpoch(epoch).setMasterPath(masterPath).build();
  }

  private ActorSelection select(String worker, String actor) {
    return system.actorSelection(ActorPaths.onWorker(ActorPaths.schemeOf(system), WorkerAddress.parse(worker), actor));
  }

  private static String content(String processor) {
    try {
      return Json.MAPPER.writeValueAsString(Map.of("className", processor));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Made at first use: Jackson's tree model loads some 350 classes, and this class is loaded at every start. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }
}
