package dev.schedulerx.worker.container;

import com.alibaba.schedulerx.protocol.Worker.ContainerBatchReportTaskStatuesRequest;
import com.alibaba.schedulerx.protocol.Worker.ContainerBatchReportTaskStatuesResponse;
import com.alibaba.schedulerx.protocol.Worker.TaskStatusInfo;
import com.alibaba.schedulerx.protocol.Worker.WorkerMapTaskRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerMapTaskResponse;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.Props;

/**
 * Stands in for an instance master's {@code /user/map_master_router} on the other side of the wire:
 * records the status batches and map chunks it receives and answers as a master does. Tests can make it
 * ignore an instance's first status batch or answer {@code overload} to map chunks.
 */
final class TestMaster extends AbstractActor {

  /** What the master saw; shared with the test thread. */
  static final class Record {
    /** Every batch received, answered or not. */
    final Queue<ContainerBatchReportTaskStatuesRequest> receivedReports = new ConcurrentLinkedQueue<>();
    /** Batches answered with success. */
    final Queue<ContainerBatchReportTaskStatuesRequest> acceptedReports = new ConcurrentLinkedQueue<>();
    /** Every map chunk received, overloaded or not. */
    final Queue<WorkerMapTaskRequest> offeredChunks = new ConcurrentLinkedQueue<>();
    /** Map chunks answered with success. */
    final Queue<WorkerMapTaskRequest> acceptedChunks = new ConcurrentLinkedQueue<>();
    /** "map <instance>" and "status <instance> <task>" in arrival order. */
    final Queue<String> events = new ConcurrentLinkedQueue<>();
    /** Instances whose first status batch goes unanswered. */
    final Set<Long> ignoreFirstReport = ConcurrentHashMap.newKeySet();
    /** Instances whose status batches go unanswered, as long as they are listed. */
    final Set<Long> ignoreReports = ConcurrentHashMap.newKeySet();
    /** Instances whose next N map chunks are answered {@code overload}. */
    final Map<Long, AtomicInteger> overloads = new ConcurrentHashMap<>();

    List<TaskStatusInfo> statuses(long instanceId) {
      return acceptedReports.stream()
          .filter(r -> r.getJobInstanceId() == instanceId)
          .flatMap(r -> r.getTaskStatuesList().stream())
          .toList();
    }

    List<WorkerMapTaskRequest> chunks(long instanceId) {
      return acceptedChunks.stream().filter(c -> c.getJobInstanceId() == instanceId).toList();
    }
  }

  private final Record record;

  private TestMaster(Record record) {
    this.record = record;
  }

  static Props props(Record record) {
    return Props.create(TestMaster.class, () -> new TestMaster(record));
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(ContainerBatchReportTaskStatuesRequest.class, this::onReport)
        .match(WorkerMapTaskRequest.class, this::onMap)
        .build();
  }

  private void onReport(ContainerBatchReportTaskStatuesRequest batch) {
    record.receivedReports.add(batch);
    if (record.ignoreFirstReport.remove(batch.getJobInstanceId()) || record.ignoreReports.contains(batch.getJobInstanceId())) {
      return; // as if lost on the way
    }
    record.acceptedReports.add(batch);
    batch.getTaskStatuesList().forEach(s -> record.events.add("status " + batch.getJobInstanceId() + " " + s.getTaskId()));
    getSender()
        .tell(ContainerBatchReportTaskStatuesResponse.newBuilder().setSuccess(true).setDeliveryId(batch.getDeliveryId()).build(), getSelf());
  }

  private void onMap(WorkerMapTaskRequest chunk) {
    record.offeredChunks.add(chunk);
    AtomicInteger overloads = record.overloads.get(chunk.getJobInstanceId());
    if (overloads != null && overloads.getAndDecrement() > 0) {
      getSender().tell(WorkerMapTaskResponse.newBuilder().setSuccess(false).setOverload(true).build(), getSelf());
      return;
    }
    record.acceptedChunks.add(chunk);
    record.events.add("map " + chunk.getJobInstanceId());
    getSender().tell(WorkerMapTaskResponse.newBuilder().setSuccess(true).build(), getSelf());
  }
}
