package dev.schedulerx.server.remote;

import com.alibaba.schedulerx.protocol.Worker.WorkerReportJobInstanceProgressRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerReportJobInstanceStatusRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerReportJobInstanceStatusResponse;
import dev.schedulerx.server.dispatch.InstanceLifecycle;
import dev.schedulerx.server.dispatch.StatusReport;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /user/instance_status_router} and {@code /user/map_master_router}: instance status and progress
 * from masters. Status reports are acknowledged only once stored, so a worker re-sends until it sees the ack.
 */
final class InstanceStatusEndpoint extends AbstractActor {
  private static final Logger log = LoggerFactory.getLogger(InstanceStatusEndpoint.class);

  private final InstanceLifecycle lifecycle;

  private InstanceStatusEndpoint(InstanceLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  static Props props(InstanceLifecycle lifecycle) {
    return Props.create(InstanceStatusEndpoint.class, () -> new InstanceStatusEndpoint(lifecycle));
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(WorkerReportJobInstanceStatusRequest.class, this::onStatus)
        .match(WorkerReportJobInstanceProgressRequest.class, this::onProgress)
        .build();
  }

  private void onStatus(WorkerReportJobInstanceStatusRequest report) {
    ActorRef replyTo = getSender();
    long deliveryId = report.getDeliveryId();
    StatusReport typed =
        new StatusReport(
            report.getJobId(), report.getJobInstanceId(), report.getStatus(), report.getResult(),
            report.hasProgress() ? report.getProgress() : null, replyTo.path().address().toString());
    // Stored on the lifecycle's executor; the ack leaves only after the write.
    lifecycle
        .onStatusReport(typed)
        .whenComplete(
            (ignored, failure) -> {
              if (failure != null) {
                log.warn("status report of instance {} not stored, the worker will re-send: {}",
                    report.getJobInstanceId(), failure.toString());
                return;
              }
              replyTo.tell(
                  WorkerReportJobInstanceStatusResponse.newBuilder()
                      .setSuccess(true)
                      .setDeliveryId(deliveryId)
                      .build(),
                  ActorRef.noSender());
            });
  }

  private void onProgress(WorkerReportJobInstanceProgressRequest progress) {
    lifecycle.onProgress(progress.getJobInstanceId(), progress.getProgress());
  }
}
