package dev.schedulerx.server.remote;

import com.alibaba.schedulerx.protocol.Worker.WorkerReportJobInstanceProgressRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerReportJobInstanceStatusRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerReportJobInstanceStatusResponse;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.Batch;
import dev.schedulerx.server.dispatch.InstanceLifecycle;
import dev.schedulerx.server.dispatch.StatusReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
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
  private final Supplier<Optional<String>> leaderRemoting;
  private final String name;

  private InstanceStatusEndpoint(InstanceLifecycle lifecycle, Supplier<Optional<String>> leaderRemoting, String name) {
    this.lifecycle = lifecycle;
    this.leaderRemoting = leaderRemoting;
    this.name = name;
  }

  static Props props(InstanceLifecycle lifecycle, Supplier<Optional<String>> leaderRemoting, String name) {
    return Props.create(InstanceStatusEndpoint.class, () -> new InstanceStatusEndpoint(lifecycle, leaderRemoting, name));
  }

  /**
   * A follower passes reports on to the leader, keeping the worker as sender so that the leader's ack goes
   * straight back to it: the leader then retries a failed instance on its workers. A report lost on the way is
   * re-sent by the worker, which keeps it until acknowledged.
   */
  private boolean forwardedToLeader(Object report) {
    Optional<String> leader = leaderRemoting.get();
    if (leader.isEmpty()) {
      return false;
    }
    getContext().getSystem()
        .actorSelection(ActorPaths.onServer(ActorPaths.schemeOf(getContext().getSystem()), leader.get(), name))
        .tell(report, getSender());
    return true;
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(WorkerReportJobInstanceStatusRequest.class, this::onStatus)
        .match(Batch.WorkerReportJobInstanceStatusesRequest.class, this::onStatuses)
        .match(WorkerReportJobInstanceProgressRequest.class, this::onProgress)
        .build();
  }

  private void onStatus(WorkerReportJobInstanceStatusRequest report) {
    if (forwardedToLeader(report)) {
      log.debug("status report of instance {} passed on to the leader", report.getJobInstanceId());
      return;
    }
    ActorRef replyTo = getSender();
    long deliveryId = report.getDeliveryId();
    StatusReport typed = typed(report, replyTo.path().address().toString());
    // Stored on the lifecycle's executor; the ack leaves only after the write.
    lifecycle
        .onStatusReport(typed)
        .whenComplete(
            (ignored, failure) -> {
              if (failure != null) {
                return; // logged by the lifecycle; the worker re-sends it
              }
              replyTo.tell(
                  WorkerReportJobInstanceStatusResponse.newBuilder()
                      .setSuccess(true)
                      .setDeliveryId(deliveryId)
                      .build(),
                  ActorRef.noSender());
            });
  }

  /**
   * Many reports of one of our daemons (batch.proto): each is stored as if it had come alone (with others in one
   * transaction when they queue together), and the answer names the delivery ids stored; one that was not is left
   * out, so its worker re-sends it, and the others are acknowledged all the same.
   */
  private void onStatuses(Batch.WorkerReportJobInstanceStatusesRequest batch) {
    if (forwardedToLeader(batch)) {
      log.debug("{} status reports passed on to the leader", batch.getReportsCount());
      return;
    }
    ActorRef replyTo = getSender();
    String from = replyTo.path().address().toString();
    List<Long> stored = java.util.Collections.synchronizedList(new ArrayList<>(batch.getReportsCount()));
    CompletableFuture<?>[] all = new CompletableFuture<?>[batch.getReportsCount()];
    for (int i = 0; i < all.length; i++) {
      WorkerReportJobInstanceStatusRequest report = batch.getReports(i);
      all[i] = lifecycle.onStatusReport(typed(report, from)).thenRun(() -> stored.add(report.getDeliveryId()));
    }
    // A report not stored is logged by the lifecycle and left out of the answer.
    CompletableFuture.allOf(all).whenComplete((ignored, failure) -> {
      List<Long> ids;
      synchronized (stored) {
        ids = List.copyOf(stored);
      }
      replyTo.tell(Batch.WorkerReportJobInstanceStatusesResponse.newBuilder().addAllStoredDeliveryIds(ids).build(),
          ActorRef.noSender());
    });
  }

  private static StatusReport typed(WorkerReportJobInstanceStatusRequest report, String from) {
    return new StatusReport(report.getJobId(), report.getJobInstanceId(), report.getStatus(), report.getResult(),
        report.hasProgress() ? report.getProgress() : null, from);
  }

  private void onProgress(WorkerReportJobInstanceProgressRequest progress) {
    if (forwardedToLeader(progress)) {
      return;
    }
    lifecycle.onProgress(progress.getJobInstanceId(), progress.getProgress());
  }
}
