package dev.schedulerx.worker.remote;

import static java.util.Objects.requireNonNull;

import com.alibaba.schedulerx.protocol.Worker.MasterBatchStartContainersRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterBatchStartContainersResponse;
import com.alibaba.schedulerx.protocol.Worker.MasterDestroyContainerPoolRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterDestroyContainerPoolResponse;
import com.alibaba.schedulerx.protocol.Worker.MasterKillContainerRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterKillContainerResponse;
import com.alibaba.schedulerx.protocol.Worker.MasterStartContainerRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterStartContainerResponse;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.Resume;
import dev.schedulerx.protocol.WorkerAddress;
import dev.schedulerx.worker.container.ContainerRunner;
import dev.schedulerx.worker.container.ContainerTask;
import dev.schedulerx.worker.container.TaskGroup;
import dev.schedulerx.worker.task.InstanceSpec;
import dev.schedulerx.worker.task.WorkflowView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /user/container_routing}: instance masters hand tasks to this worker here, kill them and release
 * the instance. Translates the wire requests into {@link ContainerRunner} commands and answers at once: a
 * start answer means "accepted", outcomes follow as task status reports. Classic, because the reply goes
 * to the request's sender.
 */
public final class ContainerEndpoint extends AbstractActor {
  private static final MasterBatchStartContainersResponse BATCH_ACCEPTED =
      MasterBatchStartContainersResponse.newBuilder().setSuccess(true).build();
  private static final MasterStartContainerResponse ACCEPTED = MasterStartContainerResponse.newBuilder().setSuccess(true).build();
  private static final MasterKillContainerResponse KILLED = MasterKillContainerResponse.newBuilder().setSuccess(true).build();
  private static final Resume.MasterFenceResponse FENCED = Resume.MasterFenceResponse.newBuilder().setSuccess(true).build();

  private static final Logger log = LoggerFactory.getLogger(ContainerEndpoint.class);

  private final ActorRef<ContainerRunner.Command> runner;

  private ContainerEndpoint(ActorRef<ContainerRunner.Command> runner) {
    this.runner = requireNonNull(runner, "runner");
  }

  public static Props props(ActorRef<ContainerRunner.Command> runner) {
    return Props.create(ContainerEndpoint.class, () -> new ContainerEndpoint(runner));
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(MasterBatchStartContainersRequest.class, this::onBatchStart)
        .match(MasterStartContainerRequest.class, this::onStart)
        .match(MasterKillContainerRequest.class, this::onKill)
        .match(MasterDestroyContainerPoolRequest.class, this::onDestroy)
        .match(Resume.MasterFenceRequest.class, this::onFence)
        .build();
  }

  private void onBatchStart(MasterBatchStartContainersRequest request) {
    String problem = checkMasterPaths(request.getStartReqsList());
    if (problem != null) {
      getSender().tell(MasterBatchStartContainersResponse.newBuilder().setSuccess(false).setMessage(problem).build(), getSelf());
      return;
    }
    // From this worker's own master the requests were never serialized: their strings are objects shared
    // by every request of the batch, cheaper to compare as such than to encode.
    boolean fromThisWorker = getSender().path().address().hasLocalScope();
    toCommands(request.getStartReqsList(), request.getSerialNum(), fromThisWorker).forEach(runner::tell);
    getSender().tell(BATCH_ACCEPTED, getSelf());
  }

  private void onStart(MasterStartContainerRequest request) {
    String problem = checkMasterPaths(List.of(request));
    if (problem != null) {
      getSender().tell(MasterStartContainerResponse.newBuilder().setSuccess(false).setMessage(problem).build(), getSelf());
      return;
    }
    toCommands(List.of(request), 0).forEach(runner::tell);
    getSender().tell(ACCEPTED, getSelf());
  }

  /** Tasks without a master to report to cannot be accepted: returns why, or null when all have one. */
  private static String checkMasterPaths(List<MasterStartContainerRequest> requests) {
    for (MasterStartContainerRequest r : requests) {
      if (r.getInstanceMasterAkkaPath().isBlank()) {
        log.warn("job {} instance {} task {} refused: no instance_master_akka_path", r.getJobId(), r.getJobInstanceId(), r.getTaskId());
        return "instance_master_akka_path of task " + r.getTaskId() + " is empty";
      }
    }
    return null;
  }

  /**
   * The master's {@code map_master_router} path: used as given when it is an actor path; Go masters send
   * {@code workerId@host:port}, which is completed to the path a Java master listens at.
   */
  static String masterPath(String given) {
    if (given.contains("://")) {
      return given;
    }
    try {
      return ActorPaths.onWorker(WorkerAddress.parse(given), ActorPaths.WORKER_MAP_MASTER);
    } catch (IllegalArgumentException e) {
      return given;
    }
  }

  private void onKill(MasterKillContainerRequest request) {
    OptionalLong taskId = request.hasTaskId() ? OptionalLong.of(request.getTaskId()) : OptionalLong.empty();
    runner.tell(new ContainerRunner.Kill(request.getJobInstanceId(), taskId));
    getSender().tell(KILLED, getSelf());
  }

  private void onDestroy(MasterDestroyContainerPoolRequest request) {
    runner.tell(new ContainerRunner.Destroy(request.getJobInstanceId()));
    getSender()
        .tell(MasterDestroyContainerPoolResponse.newBuilder().setSuccess(true).setDeliveryId(request.getDeliveryId()).build(), getSelf());
  }

  /** A master that resumed the instance claims this worker's share of it (our daemons only). */
  private void onFence(Resume.MasterFenceRequest request) {
    runner.tell(new ContainerRunner.Fence(request.getJobInstanceId(), request.getEpoch(), request.getMasterPath()));
    getSender().tell(FENCED, getSelf());
  }

  /**
   * Start requests → runner commands. Consecutive requests of one instance that share everything but the
   * task become one {@link ContainerRunner.Start} with a single {@link TaskGroup}; task names are shared
   * too. Requests whose content names no processor become a {@link ContainerRunner.Refuse}.
   *
   * @param batchSerialNum the batch's serial number, used where a request carries none
   */
  static List<ContainerRunner.Command> toCommands(List<MasterStartContainerRequest> requests, long batchSerialNum) {
    return toCommands(requests, batchSerialNum, false);
  }

  /** @param decoded whether the requests' string fields are String objects (not read off the wire) */
  static List<ContainerRunner.Command> toCommands(List<MasterStartContainerRequest> requests, long batchSerialNum, boolean decoded) {
    List<ContainerRunner.Command> commands = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    TaskGroup group = null;
    String problem = null;
    List<ContainerTask> tasks = new ArrayList<>();
    String lastType = null;
    String lastContent = null;
    String lastProcessor = null;
    String lastProblem = null;
    MasterStartContainerRequest previous = null;
    for (MasterStartContainerRequest r : requests) {
      if (previous != null && group != null && (decoded ? sameInstanceStrings(previous, r) : sameInstancePart(previous, r))) {
        // the common case: one instance's tasks back to back; no per-task group, spec or string decoding
        tasks.add(new ContainerTask(group, r.getTaskId(), names.computeIfAbsent(r.getTaskName(), n -> n),
            r.hasTask() ? r.getTask().toByteArray() : null, 0));
        continue;
      }
      previous = r;
      if (!r.getJobType().equals(lastType) || !r.getContent().equals(lastContent)) {
        lastType = r.getJobType();
        lastContent = r.getContent();
        try {
          lastProcessor = JobInstanceEndpoint.processorName(lastType, lastContent);
          lastProblem = null;
        } catch (IllegalArgumentException e) {
          lastProcessor = "";
          lastProblem = e.getMessage();
        }
      }
      TaskGroup next = toGroup(r, lastProcessor, batchSerialNum);
      if (!next.equals(group) || !Objects.equals(lastProblem, problem)) {
        flush(commands, group, problem, tasks);
        group = next;
        problem = lastProblem;
        tasks = new ArrayList<>();
      }
      String name = names.computeIfAbsent(r.getTaskName(), n -> n);
      tasks.add(new ContainerTask(group, r.getTaskId(), name, r.hasTask() ? r.getTask().toByteArray() : null, 0));
    }
    flush(commands, group, problem, tasks);
    return commands;
  }

  /**
   * Whether two start requests agree on every field {@link #toGroup} and the processor lookup read, i.e.
   * differ at most in task id, name and body. Compares the raw bytes of string fields, which for a
   * request read off the wire costs no decoding.
   */
  static boolean sameInstancePart(MasterStartContainerRequest a, MasterStartContainerRequest b) {
    return sameInstanceNumbers(a, b)
        && a.getJobTypeBytes().equals(b.getJobTypeBytes())
        && a.getContentBytes().equals(b.getContentBytes())
        && a.getInstanceMasterAkkaPathBytes().equals(b.getInstanceMasterAkkaPathBytes())
        && a.getJobNameBytes().equals(b.getJobNameBytes())
        && a.getGroupIdBytes().equals(b.getGroupIdBytes())
        && a.getExecuteModeBytes().equals(b.getExecuteModeBytes())
        && a.getParametersBytes().equals(b.getParametersBytes())
        && a.getInstanceParametersBytes().equals(b.getInstanceParametersBytes())
        && a.getUserBytes().equals(b.getUserBytes())
        && a.getXattrsBytes().equals(b.getXattrsBytes());
  }

  /** {@link #sameInstancePart} for requests built in this JVM: String fields compared as Strings (mostly the same object). */
  static boolean sameInstanceStrings(MasterStartContainerRequest a, MasterStartContainerRequest b) {
    return sameInstanceNumbers(a, b)
        && a.getJobType().equals(b.getJobType())
        && a.getContent().equals(b.getContent())
        && a.getInstanceMasterAkkaPath().equals(b.getInstanceMasterAkkaPath())
        && a.getJobName().equals(b.getJobName())
        && a.getGroupId().equals(b.getGroupId())
        && a.getExecuteMode().equals(b.getExecuteMode())
        && a.getParameters().equals(b.getParameters())
        && a.getInstanceParameters().equals(b.getInstanceParameters())
        && a.getUser().equals(b.getUser())
        && a.getXattrs().equals(b.getXattrs());
  }

  private static boolean sameInstanceNumbers(MasterStartContainerRequest a, MasterStartContainerRequest b) {
    return a.getJobInstanceId() == b.getJobInstanceId()
        && a.getJobId() == b.getJobId()
        && a.getScheduleTime() == b.getScheduleTime()
        && a.getDataTime() == b.getDataTime()
        && a.getAttempt() == b.getAttempt()
        && a.getMaxAttempt() == b.getMaxAttempt()
        && a.getTaskMaxAttempt() == b.getTaskMaxAttempt()
        && a.getTaskAttemptInterval() == b.getTaskAttemptInterval()
        && a.getShardingNum() == b.getShardingNum()
        && a.getConsumerNum() == b.getConsumerNum()
        && a.getWorkflowId() == b.getWorkflowId()
        && a.getWfInstanceId() == b.getWfInstanceId()
        && a.hasSerialNum() == b.hasSerialNum()
        && a.getSerialNum() == b.getSerialNum();
  }

  private static void flush(List<ContainerRunner.Command> commands, TaskGroup group, String problem, List<ContainerTask> tasks) {
    if (tasks.isEmpty()) {
      return;
    }
    commands.add(problem == null ? new ContainerRunner.Start(group, tasks) : new ContainerRunner.Refuse(tasks, problem));
  }

  /** The instance-wide part of a start request. */
  static TaskGroup toGroup(MasterStartContainerRequest r, String processor, long batchSerialNum) {
    InstanceSpec instance =
        new InstanceSpec(
            r.getJobId(),
            r.getJobInstanceId(),
            r.getJobName(),
            r.getGroupId(),
            r.getExecuteMode(),
            processor,
            r.getParameters(),
            r.getInstanceParameters(),
            Instant.ofEpochMilli(r.getScheduleTime()),
            Instant.ofEpochMilli(r.getDataTime()),
            r.getAttempt(),
            r.getMaxAttempt(),
            r.getUser(),
            r.getXattrs(),
            List.of(),
            r.getJobType(),
            r.getContent(),
            WorkflowView.of(r.getWorkflowId(), r.getWfInstanceId(), JobInstanceEndpoint.upstream(r.getUpstreamDataList())), 0);
    return new TaskGroup(
        instance,
        masterPath(r.getInstanceMasterAkkaPath()),
        r.hasSerialNum() ? r.getSerialNum() : batchSerialNum,
        r.getConsumerNum(),
        r.getTaskMaxAttempt(),
        r.getMaxAttempt(),
        Duration.ofSeconds(Math.max(0, r.getTaskAttemptInterval())),
        r.getShardingNum());
  }
}
