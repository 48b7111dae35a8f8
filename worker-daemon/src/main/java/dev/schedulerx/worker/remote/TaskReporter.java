package dev.schedulerx.worker.remote;

import static java.util.Objects.requireNonNull;

import com.alibaba.schedulerx.protocol.Worker.ContainerBatchReportTaskStatuesRequest;
import com.alibaba.schedulerx.protocol.Worker.ContainerBatchReportTaskStatuesResponse;
import com.alibaba.schedulerx.protocol.Worker.TaskStatusInfo;
import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.worker.container.ContainerSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.AskTimeoutException;
import org.apache.pekko.pattern.Patterns;

/**
 * Delivers final task statuses to the instances' masters as {@code ContainerBatchReportTaskStatuesRequest}s,
 * at least once, in order per master except where a batch is sent again.
 *
 * <p>Statuses collect per (master, instance) until the first of them is {@code flushDelay} old, or {@code
 * maxEntries} are pending, or their encoded size would pass {@code maxBytes} (frames stay below the
 * 128,000-byte limit of the official peers). Each master has up to {@value #MAX_IN_FLIGHT} batches in flight;
 * an unanswered batch is re-sent, the same one, after a growing back-off. A master that has not answered for {@code
 * giveUpAfter} is given up: one WARN, its queued batches are dropped, and later batches to it get one try
 * each until it answers again. The master deduplicates by task id.
 */
public final class TaskReporter extends AbstractBehavior<TaskReporter.Command> {

  /** What the reporter accepts. */
  public sealed interface Command permits Report, ReportAll, Flush, FlushDue, Answered, Unanswered, ResendDue {}

  /** The final status of one task, for the master at {@code masterPath}. */
  public record Report(
      String masterPath, long jobId, long instanceId, long serialNum, long taskId, String taskName, TaskStatus status, String result)
      implements Command {
    public Report {
      requireNonNull(masterPath, "masterPath");
      requireNonNull(status, "status");
      taskName = taskName == null ? "" : taskName;
      result = result == null ? "" : result;
    }
  }

  /** Several final statuses at once, in order: as many {@link Report}s, in one message. */
  public record ReportAll(List<Report> reports) implements Command {
    public ReportAll {
      requireNonNull(reports, "reports");
    }
  }

  /** Send what is pending for the instance now. */
  public record Flush(long instanceId) implements Command {}

  private record FlushDue(String masterPath, long instanceId) implements Command {}

  private record Answered(String masterPath, long deliveryId, boolean success, String message) implements Command {}

  private record Unanswered(String masterPath, long deliveryId, Throwable cause) implements Command {}

  private record ResendDue(String masterPath) implements Command {}

  /** Statuses of one instance waiting to become a batch. */
  private static final class Pending {
    final long jobId;
    final long instanceId;
    final long serialNum;
    final List<TaskStatusInfo> entries = new ArrayList<>();
    int bytes;

    Pending(long jobId, long instanceId, long serialNum) {
      this.jobId = jobId;
      this.instanceId = instanceId;
      this.serialNum = serialNum;
    }
  }

  private record Sent(ContainerBatchReportTaskStatuesRequest batch, Instant at) {}

  /**
   * Batches a master may have unanswered at once. More than one, so a worker that finishes tasks faster
   * than one round trip through a busy master does not wait for each answer before sending the next
   * batch (and the master's window for it does not fill with tasks already done).
   */
  static final int MAX_IN_FLIGHT = 4;

  /** One master's queue. */
  private static final class Master {
    final String path;
    final ActorSelection target;
    final Map<Long, Pending> pending = new LinkedHashMap<>(); // by instance id
    /** Batches not sent yet (or to be sent again), oldest first. */
    final ArrayDeque<ContainerBatchReportTaskStatuesRequest> outbox = new ArrayDeque<>();
    /** Batches sent and not answered yet, by delivery id, with when they were sent. */
    final Map<Long, Sent> inFlight = new LinkedHashMap<>();
    boolean backingOff;
    Instant failingSince; // null while the master answers
    int failures;
    boolean givenUp;

    Master(String path, ActorSelection target) {
      this.path = path;
      this.target = target;
    }

    boolean idle() {
      return pending.isEmpty() && outbox.isEmpty() && inFlight.isEmpty() && !backingOff && failingSince == null && !givenUp;
    }
  }

  private final ContainerSettings.Reports settings;
  private final Clock clock;
  private final String workerId;
  private final String workerAddr;
  private final TimerScheduler<Command> timers;
  private final Map<String, Master> masters = new HashMap<>();
  private long nextDeliveryId = 1;

  /**
   * @param workerId this worker's id (its actor system name)
   * @param workerAddr this worker's {@code host:port}
   */
  public static Behavior<Command> create(ContainerSettings.Reports settings, Clock clock, String workerId, String workerAddr) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new TaskReporter(ctx, timers, settings, clock, workerId, workerAddr)));
  }

  private TaskReporter(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      ContainerSettings.Reports settings,
      Clock clock,
      String workerId,
      String workerAddr) {
    super(ctx);
    ctx.setLoggerName(TaskReporter.class);
    this.timers = timers;
    this.settings = requireNonNull(settings, "settings");
    this.clock = requireNonNull(clock, "clock");
    this.workerId = requireNonNull(workerId, "workerId");
    this.workerAddr = requireNonNull(workerAddr, "workerAddr");
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Report.class, this::onReport)
        .onMessage(ReportAll.class, this::onReportAll)
        .onMessage(Flush.class, this::onFlush)
        .onMessage(FlushDue.class, this::onFlushDue)
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(Unanswered.class, this::onUnanswered)
        .onMessage(ResendDue.class, this::onResendDue)
        .build();
  }

  private Behavior<Command> onReportAll(ReportAll all) {
    for (Report r : all.reports()) {
      onReport(r);
    }
    return this;
  }

  private Behavior<Command> onReport(Report r) {
    Master master = masters.computeIfAbsent(r.masterPath(), this::newMaster);
    TaskStatusInfo.Builder info = TaskStatusInfo.newBuilder().setTaskId(r.taskId()).setStatus(r.status().value());
    if (!r.result().isEmpty()) {
      info.setResult(r.result());
    }
    if (!r.taskName().isEmpty()) {
      info.setTaskName(r.taskName());
    }
    TaskStatusInfo entry = info.build();
    int size = entry.getSerializedSize() + 4; // tag and length of the repeated field
    Pending pending = master.pending.get(r.instanceId());
    if (pending != null && (pending.serialNum != r.serialNum() || pending.bytes + size > settings.maxBytes())) {
      cut(master, pending);
      pending = null;
    }
    if (pending == null) {
      pending = new Pending(r.jobId(), r.instanceId(), r.serialNum());
      master.pending.put(r.instanceId(), pending);
      FlushDue due = new FlushDue(master.path, r.instanceId());
      timers.startSingleTimer(due, due, settings.flushDelay());
    }
    pending.entries.add(entry);
    pending.bytes += size;
    if (pending.entries.size() >= settings.maxEntries()) {
      cut(master, pending);
    }
    sendNext(master);
    return this;
  }

  private Behavior<Command> onFlush(Flush flush) {
    for (Master master : List.copyOf(masters.values())) {
      Pending pending = master.pending.get(flush.instanceId());
      if (pending != null) {
        cut(master, pending);
        sendNext(master);
      }
    }
    return this;
  }

  private Behavior<Command> onFlushDue(FlushDue due) {
    Master master = masters.get(due.masterPath());
    Pending pending = master == null ? null : master.pending.get(due.instanceId());
    if (pending != null) {
      cut(master, pending);
      sendNext(master);
    }
    return this;
  }

  private Behavior<Command> onAnswered(Answered answer) {
    Master master = masters.get(answer.masterPath());
    Sent sent = master == null ? null : master.inFlight.remove(answer.deliveryId());
    if (sent == null) {
      return this;
    }
    ContainerBatchReportTaskStatuesRequest delivered = sent.batch();
    if (master.failingSince != null || master.givenUp) {
      getContext().getLog().info("master {} answers again", master.path);
    }
    master.failingSince = null;
    master.failures = 0;
    master.givenUp = false;
    if (!answer.success()) {
      getContext().getLog().warn("master {} refused the statuses of {} task(s) of instance {}: {}",
          master.path, delivered.getTaskStatuesCount(), delivered.getJobInstanceId(), answer.message());
    }
    sendNext(master);
    if (master.idle()) {
      masters.remove(master.path);
    }
    return this;
  }

  private Behavior<Command> onUnanswered(Unanswered lost) {
    Master master = masters.get(lost.masterPath());
    Sent sent = master == null ? null : master.inFlight.remove(lost.deliveryId());
    if (sent == null) {
      return this;
    }
    master.failures++;
    if (master.failingSince == null || sent.at().isBefore(master.failingSince)) {
      master.failingSince = sent.at();
    }
    if (master.givenUp) {
      ContainerBatchReportTaskStatuesRequest dropped = sent.batch();
      getContext().getLog().debug("master {} still unreachable: {} task status(es) of instance {} dropped",
          master.path, dropped.getTaskStatuesCount(), dropped.getJobInstanceId());
      sendNext(master);
      return this;
    }
    master.outbox.addFirst(sent.batch()); // sent again, before the batches that were never sent
    Duration down = Duration.between(master.failingSince, clock.instant());
    if (down.compareTo(settings.giveUpAfter()) >= 0) {
      // batches still in flight are dropped when their answer does not come either
      int statuses = master.outbox.stream().mapToInt(ContainerBatchReportTaskStatuesRequest::getTaskStatuesCount).sum();
      getContext().getLog().warn("master {} unreachable for {} s ({}): giving up {} batch(es) with {} task status(es)",
          master.path, down.toSeconds(), describe(lost.cause()), master.outbox.size(), statuses);
      master.outbox.clear();
      master.givenUp = true;
      sendNext(master);
      return this;
    }
    Duration backoff = backoff(master.failures);
    getContext().getLog().debug("master {} did not confirm batch {} ({}), re-sending in {} ms",
        master.path, lost.deliveryId(), describe(lost.cause()), backoff.toMillis());
    master.backingOff = true;
    timers.startSingleTimer(new ResendDue(master.path), new ResendDue(master.path), backoff);
    return this;
  }

  private Behavior<Command> onResendDue(ResendDue due) {
    Master master = masters.get(due.masterPath());
    if (master != null) {
      master.backingOff = false;
      sendNext(master);
    }
    return this;
  }

  private Master newMaster(String path) {
    return new Master(path, Adapter.toClassic(getContext().getSystem()).actorSelection(path));
  }

  /** Turns the pending statuses of an instance into a batch at the end of the master's outbox. */
  private void cut(Master master, Pending pending) {
    master.pending.remove(pending.instanceId);
    timers.cancel(new FlushDue(master.path, pending.instanceId));
    master.outbox.add(
        ContainerBatchReportTaskStatuesRequest.newBuilder()
            .setJobId(pending.jobId)
            .setJobInstanceId(pending.instanceId)
            .addAllTaskStatues(pending.entries)
            .setTaskMasterAkkaPath(master.path)
            .setWorkerAddr(workerAddr)
            .setWorkerId(workerId)
            .setDeliveryId(nextDeliveryId++)
            .setSerialNum(pending.serialNum)
            .build());
  }

  private void sendNext(Master master) {
    while (!master.backingOff && master.inFlight.size() < MAX_IN_FLIGHT && !master.outbox.isEmpty()) {
      send(master, master.outbox.poll());
    }
  }

  private void send(Master master, ContainerBatchReportTaskStatuesRequest batch) {
    master.inFlight.put(batch.getDeliveryId(), new Sent(batch, clock.instant()));
    String path = master.path;
    long deliveryId = batch.getDeliveryId();
    getContext().pipeToSelf(
        Patterns.ask(master.target, batch, settings.askTimeout()),
        (reply, failure) -> {
          if (reply instanceof ContainerBatchReportTaskStatuesResponse r) {
            return new Answered(path, deliveryId, r.getSuccess(), r.getMessage());
          }
          return new Unanswered(path, deliveryId, failure != null ? failure : new IllegalStateException("unexpected reply " + reply));
        });
  }

  private Duration backoff(int failures) {
    long millis = settings.retryMin().toMillis() << Math.min(failures - 1, 16);
    return Duration.ofMillis(Math.min(millis, settings.retryMax().toMillis()));
  }

  private String describe(Throwable t) {
    if (t instanceof AskTimeoutException) {
      return "no answer within " + settings.askTimeout().toMillis() + " ms";
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
