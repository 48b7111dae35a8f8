package dev.schedulerx.worker.remote;

import com.alibaba.schedulerx.protocol.Worker.ContainerBatchReportTaskStatuesRequest;
import com.alibaba.schedulerx.protocol.Worker.ContainerBatchReportTaskStatuesResponse;
import com.alibaba.schedulerx.protocol.Worker.ContainerReportTaskStatusRequest;
import com.alibaba.schedulerx.protocol.Worker.TaskStatusInfo;
import com.alibaba.schedulerx.protocol.Worker.WorkerMapTaskRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerMapTaskResponse;
import com.google.protobuf.ByteString;
import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.TaskOutcome;
import dev.schedulerx.worker.instance.JobInstanceSupervisor;
import dev.schedulerx.worker.remote.WorkerGuardian;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * {@code /user/map_master_router} on a worker: where containers of every worker report the tasks of
 * instances this worker masters, and where {@code map()} calls deliver new sub-tasks. Translates to the
 * supervisor's typed commands and answers once they are applied.
 */
public final class MapMasterEndpoint extends AbstractActor {
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(20);

  private final org.apache.pekko.actor.typed.ActorRef<WorkerGuardian.Command> guardian;
  private Scheduler scheduler;

  private MapMasterEndpoint(org.apache.pekko.actor.typed.ActorRef<WorkerGuardian.Command> guardian) {
    this.guardian = guardian;
  }

  public static Props props(org.apache.pekko.actor.typed.ActorRef<WorkerGuardian.Command> guardian) {
    return Props.create(MapMasterEndpoint.class, () -> new MapMasterEndpoint(guardian));
  }

  @Override
  public void preStart() {
    scheduler = Adapter.toTyped(getContext().getSystem()).scheduler();
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(ContainerBatchReportTaskStatuesRequest.class, this::onReports)
        .match(ContainerReportTaskStatusRequest.class, this::onReport)
        .match(WorkerMapTaskRequest.class, this::onMap)
        .build();
  }

  private void onReports(ContainerBatchReportTaskStatuesRequest batch) {
    List<TaskOutcome> outcomes = new ArrayList<>(batch.getTaskStatuesCount());
    for (TaskStatusInfo info : batch.getTaskStatuesList()) {
      TaskStatus status = TaskStatus.fromValue(info.getStatus());
      if (status.isFinished()) {
        outcomes.add(new TaskOutcome(info.getTaskId(), status, info.getResult()));
      }
    }
    ActorRef replyTo = getSender();
    long deliveryId = batch.getDeliveryId();
    AskPattern.<WorkerGuardian.Command, Done>ask(
            guardian,
            r -> new WorkerGuardian.ToInstance(batch.getJobInstanceId(), new JobInstanceSupervisor.TaskReports(batch.getWorkerAddr(), outcomes, r)),
            ASK_TIMEOUT, scheduler)
        .thenAccept(done -> replyTo.tell(
            ContainerBatchReportTaskStatuesResponse.newBuilder().setSuccess(true).setDeliveryId(deliveryId).build(), ActorRef.noSender()));
  }

  /** The single-task form, used by some workers for kills and when batching is not possible. */
  private void onReport(ContainerReportTaskStatusRequest report) {
    TaskStatus status = TaskStatus.fromValue(report.getStatus());
    if (!status.isFinished()) {
      return;
    }
    List<TaskOutcome> outcome = List.of(new TaskOutcome(report.getTaskId(), status, report.getResult()));
    AskPattern.<WorkerGuardian.Command, Done>ask(
        guardian,
        r -> new WorkerGuardian.ToInstance(report.getJobInstanceId(), new JobInstanceSupervisor.TaskReports(report.getWorkerAddr(), outcome, r)),
        ASK_TIMEOUT, scheduler);
  }

  private void onMap(WorkerMapTaskRequest request) {
    List<byte[]> bodies = new ArrayList<>(request.getTaskBodyCount());
    for (ByteString body : request.getTaskBodyList()) {
      bodies.add(body.toByteArray());
    }
    ActorRef replyTo = getSender();
    AskPattern.<WorkerGuardian.Command, JobInstanceSupervisor.MapReply>ask(
            guardian,
            r -> new WorkerGuardian.ToInstance(request.getJobInstanceId(),
                new JobInstanceSupervisor.MapTasks(request.getTaskId(), request.getTaskName(), bodies, r)),
            ASK_TIMEOUT, scheduler)
        .whenComplete((reply, failure) -> replyTo.tell(
            WorkerMapTaskResponse.newBuilder()
                .setSuccess(failure == null && reply.accepted())
                .setOverload(failure == null && reply.overload())
                .setMessage(failure != null ? "master busy: " + failure.getMessage() : reply.message())
                .build(),
            ActorRef.noSender()));
  }
}
