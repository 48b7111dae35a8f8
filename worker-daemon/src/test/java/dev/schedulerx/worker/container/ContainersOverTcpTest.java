package dev.schedulerx.worker.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.schedulerx.protocol.Worker.ContainerBatchReportTaskStatuesRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterBatchStartContainersRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterBatchStartContainersResponse;
import com.alibaba.schedulerx.protocol.Worker.MasterCheckWorkerAliveRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterCheckWorkerAliveResponse;
import com.alibaba.schedulerx.protocol.Worker.MasterDestroyContainerPoolRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterDestroyContainerPoolResponse;
import com.alibaba.schedulerx.protocol.Worker.MasterKillContainerRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterKillContainerResponse;
import com.alibaba.schedulerx.protocol.Worker.MasterStartContainerRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterStartContainerResponse;
import com.alibaba.schedulerx.protocol.Worker.TaskStatusInfo;
import com.alibaba.schedulerx.protocol.Worker.WorkerMapTaskRequest;
import com.google.protobuf.ByteString;
import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.RemotingSettings;
import dev.schedulerx.protocol.Resume;
import dev.schedulerx.worker.container.testplugins.BlockingTask;
import dev.schedulerx.worker.container.testplugins.EchoTask;
import dev.schedulerx.worker.container.testplugins.FlakyTask;
import dev.schedulerx.worker.container.testplugins.MappingTask;
import dev.schedulerx.worker.container.testplugins.MdcTask;
import dev.schedulerx.worker.container.testplugins.ThrowingTask;
import dev.schedulerx.worker.container.testplugins.WideResultTask;
import dev.schedulerx.worker.plugin.PluginRegistry;
import dev.schedulerx.worker.plugin.PluginUnit;
import dev.schedulerx.worker.plugin.ProcessorInvoker;
import dev.schedulerx.worker.remote.Containers;
import dev.schedulerx.worker.task.TaskBodyCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.Patterns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The container side over real TCP: a worker actor system hosting the container endpoints, and a "master"
 * actor system whose {@link TestMaster} sits at {@code /user/map_master_router}, sends the masters'
 * requests and records what comes back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ContainersOverTcpTest {
  private static final long JOB_ID = WirePeers.JOB_ID;
  private static final Duration WAIT = WirePeers.WAIT;
  private static final AtomicLong INSTANCE_IDS = new AtomicLong(1_000);

  @TempDir static Path dir;

  static WirePeers peers;
  static TestMaster.Record record;
  static String masterPath;
  static String workerHostPort;

  @BeforeAll
  static void start() throws IOException {
    // A short ask timeout, so a lost status batch is re-sent within the test's patience.
    ContainerSettings settings =
        ContainerSettings.DEFAULTS.withReports(ContainerSettings.Reports.DEFAULTS.withAskTimeout(Duration.ofSeconds(1)));
    peers =
        new WirePeers(dir, settings,
            EchoTask.class, ThrowingTask.class, FlakyTask.class, BlockingTask.class, MappingTask.class, WideResultTask.class,
            MdcTask.class);
    record = peers.record;
    masterPath = peers.masterPath;
    workerHostPort = peers.workerHostPort;
  }

  @AfterAll
  static void stop() {
    if (peers != null) {
      peers.close();
    }
  }

  @Test
  void aThousandTasksAreEachReportedOnceInFewBatches() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    // Official peers drop frames over 128,000 bytes: a master sends big dispatches in several batches.
    for (int from = 1; from <= 1_000; from += 250) {
      List<MasterStartContainerRequest> batch = new ArrayList<>();
      for (long id = from; id < from + 250; id++) {
        batch.add(task(instance, id, "echo-task").build());
      }
      startBatch(instance, batch);
    }

    List<TaskStatusInfo> statuses = awaitStatuses(instance, 1_000);

    assertThat(statuses).hasSize(1_000);
    Map<Long, TaskStatusInfo> byId = statuses.stream().collect(Collectors.toMap(TaskStatusInfo::getTaskId, Function.identity()));
    assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 1_000).boxed().toList());
    assertThat(statuses).allSatisfy(s -> {
      assertThat(s.getStatus()).isEqualTo(TaskStatus.SUCCESS.value());
      assertThat(s.getResult()).isEqualTo("ok " + s.getTaskId());
    });
    List<ContainerBatchReportTaskStatuesRequest> batches = reports(instance);
    assertThat(batches).hasSizeLessThan(100).allSatisfy(b -> {
      assertThat(b.getJobId()).isEqualTo(JOB_ID);
      assertThat(b.getWorkerAddr()).isEqualTo(workerHostPort);
      assertThat(b.getWorkerId()).isEqualTo(WirePeers.WORKER_ID);
      assertThat(b.getTaskMasterAkkaPath()).isEqualTo(masterPath);
      assertThat(b.getTaskStatuesCount()).isLessThanOrEqualTo(2_000);
    });
  }

  @Test
  void largeResultsAreSplitIntoBatchesThatFitAFrame() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    for (int from = 1; from <= 300; from += 100) {
      List<MasterStartContainerRequest> batch = new ArrayList<>();
      for (long id = from; id < from + 100; id++) {
        batch.add(task(instance, id, "wide-result-task").build());
      }
      startBatch(instance, batch);
    }

    assertThat(awaitStatuses(instance, 300)).hasSize(300);
    assertThat(reports(instance)).hasSizeGreaterThanOrEqualTo(3)
        .allSatisfy(b -> assertThat(b.getSerializedSize()).isLessThan(RemotingSettings.DEFAULT_MAXIMUM_FRAME_SIZE));
  }

  @Test
  void aProcessorMissingFromThePluginsFailsItsTasksWithTheReason() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    startBatch(instance, List.of(task(instance, 1, "no-such-processor").build(), task(instance, 2, "no-such-processor").build()));

    assertThat(awaitStatuses(instance, 2)).allSatisfy(s -> {
      assertThat(s.getStatus()).isEqualTo(TaskStatus.FAILED.value());
      assertThat(s.getResult()).isEqualTo("processor no-such-processor not found in the plugins directory");
    });
  }

  @Test
  void javaJobsNameTheProcessorClassAndUnreadableContentFailsTheTask() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    startBatch(instance, List.of(
        task(instance, 1, "").setJobType("java").setContent("{\"className\":\"" + EchoTask.class.getName() + "\"}").build(),
        task(instance, 2, "").setContent("not json").build()));

    Map<Long, TaskStatusInfo> byId = byId(awaitStatuses(instance, 2));
    assertThat(byId.get(1L).getStatus()).isEqualTo(TaskStatus.SUCCESS.value());
    assertThat(byId.get(1L).getResult()).isEqualTo("ok 1");
    assertThat(byId.get(2L).getStatus()).isEqualTo(TaskStatus.FAILED.value());
    assertThat(byId.get(2L).getResult()).isEqualTo("content is not JSON: not json");
  }

  @Test
  void aGoStyleMasterAddressIsCompletedToItsMapMasterPathAndAMissingOneIsRefused() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    String goStyle = masterPath.substring((ActorPaths.SCHEME + "://").length(), masterPath.indexOf("/user/"));
    startBatch(instance, List.of(task(instance, 1, "echo-task").setInstanceMasterAkkaPath(goStyle).build()));

    assertThat(awaitStatuses(instance, 1).get(0).getResult()).isEqualTo("ok 1");
    assertThat(reports(instance).get(0).getTaskMasterAkkaPath()).isEqualTo(masterPath);

    MasterBatchStartContainersRequest pathless =
        MasterBatchStartContainersRequest.newBuilder().setJobInstanceId(instance)
            .addStartReqs(task(instance, 2, "echo-task").setInstanceMasterAkkaPath("")).build();
    MasterBatchStartContainersResponse refused = (MasterBatchStartContainersResponse) ask(ActorPaths.WORKER_CONTAINER, pathless, 10);
    assertThat(refused.getSuccess()).isFalse();
    assertThat(refused.getMessage()).isEqualTo("instance_master_akka_path of task 2 is empty");
  }

  @Test
  void aThrowingProcessorFailsTheTaskWithItsMessage() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    startBatch(instance, List.of(task(instance, 3, "throwing-task").build()));

    TaskStatusInfo status = awaitStatuses(instance, 1).get(0);
    assertThat(status.getStatus()).isEqualTo(TaskStatus.FAILED.value());
    assertThat(status.getResult()).isEqualTo("boom in task 3");
  }

  @Test
  void processorsRunWithTheTaskIdsInTheLoggingMdc() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    startBatch(instance, List.of(task(instance, 8, "mdc-task").build(), task(instance, 9, "mdc-task").build()));

    Map<Long, TaskStatusInfo> byId = byId(awaitStatuses(instance, 2));
    assertThat(byId.get(8L).getResult()).isEqualTo(JOB_ID + "/" + instance + "/8");
    assertThat(byId.get(9L).getResult()).isEqualTo(JOB_ID + "/" + instance + "/9");
  }

  @Test
  void mapFromTheRootTaskReachesTheMasterInChunksBeforeTheRootStatus() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    startBatch(instance, List.of(root(instance, "2500").build()));

    TaskStatusInfo root = awaitStatuses(instance, 1).get(0);

    assertThat(root.getStatus()).isEqualTo(TaskStatus.SUCCESS.value());
    assertThat(root.getTaskName()).isEqualTo(JobContext.ROOT_TASK_NAME);
    List<WorkerMapTaskRequest> chunks = record.chunks(instance);
    assertThat(chunks).extracting(WorkerMapTaskRequest::getTaskBodyCount).containsExactly(1_000, 1_000, 500);
    assertThat(chunks).allSatisfy(c -> {
      assertThat(c.getJobId()).isEqualTo(JOB_ID);
      assertThat(c.getTaskId()).isZero();
      assertThat(c.getTaskName()).isEqualTo(MappingTask.LEVEL1);
    });
    List<String> bodies = new ArrayList<>();
    for (WorkerMapTaskRequest chunk : chunks) {
      for (ByteString body : chunk.getTaskBodyList()) {
        bodies.add(new TaskBodyCodec().decode(body.toByteArray(), String.class));
      }
    }
    assertThat(bodies).hasSize(2_500).startsWith("item-1", "item-2").endsWith("item-2500");
    List<String> events = record.events.stream().filter(e -> e.contains(" " + instance)).toList();
    assertThat(events).containsExactly("map " + instance, "map " + instance, "map " + instance, "status " + instance + " 0");
  }

  @Test
  void anOverloadedMasterIsOfferedTheSameChunkAgainAndSubTasksRunFromItsBodies() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    record.overloads.put(instance, new AtomicInteger(2));
    startBatch(instance, List.of(root(instance, "10").build()));

    assertThat(awaitStatuses(instance, 1).get(0).getStatus()).isEqualTo(TaskStatus.SUCCESS.value());
    List<WorkerMapTaskRequest> offered = record.offeredChunks.stream().filter(c -> c.getJobInstanceId() == instance).toList();
    assertThat(offered).hasSize(3).allSatisfy(c -> assertThat(c).isEqualTo(offered.get(0)));
    assertThat(record.chunks(instance)).hasSize(1);

    // The master turns the bodies into sub-tasks 1..10 and hands them back.
    List<ByteString> bodies = record.chunks(instance).get(0).getTaskBodyList();
    List<MasterStartContainerRequest> subTasks = new ArrayList<>();
    for (int i = 0; i < bodies.size(); i++) {
      subTasks.add(task(instance, i + 1, "mapping-task").setExecuteMode("grid").setTaskName(MappingTask.LEVEL1).setTask(bodies.get(i)).build());
    }
    startBatch(instance, subTasks);
    Map<Long, TaskStatusInfo> byId = byId(awaitStatuses(instance, 11));
    for (long id = 1; id <= 10; id++) {
      assertThat(byId.get(id).getStatus()).isEqualTo(TaskStatus.SUCCESS.value());
      assertThat(byId.get(id).getResult()).isEqualTo("item-" + id);
      assertThat(byId.get(id).getTaskName()).isEqualTo(MappingTask.LEVEL1);
    }
  }

  @Test
  void mapRefusesAnEmptyListAndAnOversizedBodyWithoutSendingAnything() throws Exception {
    long empty = INSTANCE_IDS.incrementAndGet();
    long huge = INSTANCE_IDS.incrementAndGet();
    startBatch(empty, List.of(root(empty, "0").setInstanceParameters("empty").build()));
    startBatch(huge, List.of(root(huge, "0").setInstanceParameters("huge").build()));

    TaskStatusInfo emptyStatus = awaitStatuses(empty, 1).get(0);
    TaskStatusInfo hugeStatus = awaitStatuses(huge, 1).get(0);

    assertThat(emptyStatus.getStatus()).isEqualTo(TaskStatus.FAILED.value());
    assertThat(emptyStatus.getResult()).isEqualTo("task list is empty");
    assertThat(hugeStatus.getStatus()).isEqualTo(TaskStatus.FAILED.value());
    // 70,000 chars in Hessian: three string chunks of 3 header bytes each.
    assertThat(hugeStatus.getResult()).contains("task 1 ", "70009 bytes", "65536");
    assertThat(record.offeredChunks).noneMatch(c -> c.getJobInstanceId() == empty || c.getJobInstanceId() == huge);
  }

  @Test
  void mapIsRefusedOutsideTheMapModes() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    startBatch(instance, List.of(root(instance, "3").setExecuteMode("broadcast").build()));

    TaskStatusInfo status = awaitStatuses(instance, 1).get(0);
    assertThat(status.getStatus()).isEqualTo(TaskStatus.FAILED.value());
    assertThat(status.getResult()).contains("map() is only available");
  }

  @Test
  void aResumingMastersFenceDropsTheReplacedMastersTasksAndRefusesItsLaterOnes() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    Path files = Files.createDirectories(dir.resolve("fence-" + instance));
    // The replaced master: another map_master_router (on the test's master system, where nothing listens).
    String replaced = masterPath.replace(ActorPaths.WORKER_MAP_MASTER, "replaced_master");
    List<MasterStartContainerRequest> held = new ArrayList<>();
    for (long id = 1; id <= 3; id++) {
      held.add(blocking(instance, id, "park", files).setConsumerNum(2).setInstanceMasterAkkaPath(replaced).build());
    }
    startBatch(instance, held);
    await().atMost(WAIT).until(() -> Files.exists(files.resolve("started-1")) && Files.exists(files.resolve("started-2")));

    Object reply = ask(ActorPaths.WORKER_CONTAINER,
        Resume.MasterFenceRequest.newBuilder().setJobInstanceId(instance).setEpoch(1).setMasterPath(masterPath).build(), 10);
    assertThat(((Resume.MasterFenceResponse) reply).getSuccess()).isTrue();
    await().atMost(WAIT).until(() -> Files.exists(files.resolve("ended-1")) && Files.exists(files.resolve("ended-2")));

    // The replaced master comes back and dispatches again; the new master dispatches too.
    startBatch(instance, List.of(blocking(instance, 4, "park", files).setInstanceMasterAkkaPath(replaced).build()));
    startBatch(instance, List.of(task(instance, 5, "echo-task").build()));

    assertThat(awaitStatuses(instance, 1)).extracting(TaskStatusInfo::getTaskId).containsExactly(5L);
    assertThat(files.resolve("started-3")).as("the queued task of the replaced master was dropped").doesNotExist();
    assertThat(files.resolve("started-4")).as("the replaced master's later task was refused").doesNotExist();
    // An older fence (a late message of an earlier hand-over) changes nothing.
    ask(ActorPaths.WORKER_CONTAINER,
        Resume.MasterFenceRequest.newBuilder().setJobInstanceId(instance).setEpoch(0).setMasterPath(replaced).build(), 10);
    startBatch(instance, List.of(task(instance, 6, "echo-task").build()));
    assertThat(awaitStatuses(instance, 2)).extracting(TaskStatusInfo::getTaskId).containsExactlyInAnyOrder(5L, 6L);
    destroy(instance, 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sleep", "park"})
  void killInterruptsRunningTasksDropsQueuedOnesAndCallsTheKillHookOnce(String how) throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    Path files = Files.createDirectories(dir.resolve("kill-" + instance));
    List<MasterStartContainerRequest> tasks = new ArrayList<>();
    for (long id = 1; id <= 3; id++) {
      // At most two at once on this worker: task 3 waits in the queue.
      tasks.add(blocking(instance, id, how, files).setConsumerNum(2).build());
    }
    startBatch(instance, tasks);
    await().atMost(WAIT).until(() -> Files.exists(files.resolve("started-1")) && Files.exists(files.resolve("started-2")));

    Object reply = ask(ActorPaths.WORKER_CONTAINER, kill(instance).build(), 10);

    assertThat(reply).isInstanceOf(MasterKillContainerResponse.class);
    assertThat(((MasterKillContainerResponse) reply).getSuccess()).isTrue();
    await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
      assertThat(record.statuses(instance)).hasSize(3).allSatisfy(s -> {
        assertThat(s.getStatus()).isEqualTo(TaskStatus.FAILED.value());
        assertThat(s.getResult()).isEqualTo("killed");
      });
      assertThat(files.resolve("ended-1")).exists();
      assertThat(files.resolve("ended-2")).exists();
      assertThat(files.resolve("killed")).exists();
    });
    assertThat(files.resolve("started-3")).doesNotExist();
    assertThat(Files.readAllLines(files.resolve("killed"))).hasSize(1);

    // A task of the killed instance that still arrives is refused.
    startBatch(instance, List.of(blocking(instance, 4, how, files).build()));
    TaskStatusInfo late = byId(awaitStatuses(instance, 4)).get(4L);
    assertThat(late.getResult()).isEqualTo("killed");
    assertThat(files.resolve("started-4")).doesNotExist();
    destroy(instance, 1);
  }

  @Test
  void killingOneTaskLeavesTheOthersRunning() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    Path files = Files.createDirectories(dir.resolve("kill-one-" + instance));
    startBatch(instance, List.of(blocking(instance, 1, "park", files).build(), blocking(instance, 2, "park", files).build()));
    await().atMost(WAIT).until(() -> Files.exists(files.resolve("started-1")) && Files.exists(files.resolve("started-2")));

    ask(ActorPaths.WORKER_CONTAINER, kill(instance).setTaskId(1).build(), 10);

    await().atMost(Duration.ofSeconds(2)).until(() -> Files.exists(files.resolve("ended-1")) && !record.statuses(instance).isEmpty());
    assertThat(record.statuses(instance)).singleElement().satisfies(s -> {
      assertThat(s.getTaskId()).isEqualTo(1);
      assertThat(s.getResult()).isEqualTo("killed");
    });
    assertThat(files.resolve("ended-2")).doesNotExist();

    ask(ActorPaths.WORKER_CONTAINER, kill(instance).build(), 10);
    await().atMost(Duration.ofSeconds(2)).until(() -> Files.exists(files.resolve("ended-2")) && record.statuses(instance).size() == 2);
    await().atMost(WAIT).until(() -> Files.readAllLines(files.resolve("killed")).size() == 2);
    assertThat(Files.readAllLines(files.resolve("killed"))).containsExactly("task 1", "task 2");
    destroy(instance, 2);
  }

  @Test
  void aFailingTaskIsRunAgainAndOnlyItsLastOutcomeIsReported() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    long started = System.nanoTime();
    startBatch(instance, List.of(task(instance, 5, "flaky-task").setTaskMaxAttempt(2).setTaskAttemptInterval(1).build()));

    List<TaskStatusInfo> statuses = awaitStatuses(instance, 1);

    assertThat(statuses).singleElement().satisfies(s -> {
      assertThat(s.getStatus()).isEqualTo(TaskStatus.FAILED.value());
      assertThat(s.getResult()).isEqualTo("failed at attempt 2 of 2");
    });
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("two pauses of 1 s").isGreaterThanOrEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void withoutTaskMaxAttemptSubTasksRetryOnMaxAttemptButTaskZeroDoesNot() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    startBatch(instance, List.of(
        task(instance, 0, "flaky-task").setMaxAttempt(1).build(),
        task(instance, 5, "flaky-task").setMaxAttempt(1).build()));

    Map<Long, TaskStatusInfo> byId = byId(awaitStatuses(instance, 2));
    assertThat(byId.get(0L).getResult()).isEqualTo("failed at attempt 0 of 0");
    assertThat(byId.get(5L).getResult()).isEqualTo("failed at attempt 1 of 1");
  }

  @Test
  void aRetryThatSucceedsIsReportedAsSuccess() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    startBatch(instance, List.of(task(instance, 5, "flaky-task").setParameters("1").setTaskMaxAttempt(3).build()));

    assertThat(awaitStatuses(instance, 1)).singleElement().satisfies(s -> {
      assertThat(s.getStatus()).isEqualTo(TaskStatus.SUCCESS.value());
      assertThat(s.getResult()).isEqualTo("succeeded at attempt 1 of 3");
    });
  }

  @Test
  void severalStatusBatchesAreInFlightBeforeTheMasterAnswersAndAllArriveOnceItDoes() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    record.ignoreReports.add(instance);
    List<MasterStartContainerRequest> batch = new ArrayList<>();
    for (long id = 1; id <= 300; id++) {
      batch.add(task(instance, id, "wide-result-task").build()); // results too wide for one status batch
    }
    startBatch(instance, batch);

    // the master answers none, yet the worker does not wait for each answer before sending the next batch
    await().atMost(Duration.ofSeconds(10)).until(() ->
        record.receivedReports.stream().filter(r -> r.getJobInstanceId() == instance)
            .map(ContainerBatchReportTaskStatuesRequest::getDeliveryId).distinct().count() >= 2);
    record.ignoreReports.remove(instance);

    assertThat(awaitStatuses(instance, 300).stream().map(TaskStatusInfo::getTaskId).distinct().count()).isEqualTo(300);
  }

  @Test
  void aStatusBatchTheMasterDidNotAnswerIsSentAgain() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();
    record.ignoreFirstReport.add(instance);
    startBatch(instance, List.of(task(instance, 1, "echo-task").build(), task(instance, 2, "echo-task").build()));

    assertThat(awaitStatuses(instance, 2)).extracting(TaskStatusInfo::getTaskId).containsExactlyInAnyOrder(1L, 2L);
    List<ContainerBatchReportTaskStatuesRequest> received =
        record.receivedReports.stream().filter(r -> r.getJobInstanceId() == instance).toList();
    assertThat(received).hasSizeGreaterThanOrEqualTo(2);
    assertThat(received.get(1)).as("the same batch again").isEqualTo(received.get(0));
  }

  @Test
  void aSingleStartIsAcceptedAndTheAliveCheckAndDestroyAreAnswered() throws Exception {
    long instance = INSTANCE_IDS.incrementAndGet();

    Object started = ask(ActorPaths.WORKER_CONTAINER, task(instance, 0, "echo-task").setExecuteMode("standalone").build(), 10);
    Object alive = ask(ActorPaths.WORKER_HEARTBEAT, MasterCheckWorkerAliveRequest.newBuilder().setJobInstanceId(instance).build(), 10);

    assertThat(((MasterStartContainerResponse) started).getSuccess()).isTrue();
    assertThat(((MasterCheckWorkerAliveResponse) alive).getSuccess()).isTrue();
    assertThat(awaitStatuses(instance, 1).get(0).getResult()).isEqualTo("ok 0");
    destroy(instance, 42);
  }

  // --- helpers ---

  private static MasterStartContainerRequest.Builder task(long instance, long taskId, String processor) {
    return peers.task(instance, taskId, processor);
  }

  private static MasterStartContainerRequest.Builder root(long instance, String count) {
    return task(instance, 0, "mapping-task")
        .setExecuteMode("grid")
        .setTaskName(JobContext.ROOT_TASK_NAME)
        .setTask(ByteString.copyFrom("\"MAP_TASK_ROOT\"", StandardCharsets.UTF_8))
        .setParameters(count);
  }

  private static MasterStartContainerRequest.Builder blocking(long instance, long taskId, String how, Path files) {
    return task(instance, taskId, "blocking-task").setParameters(how).setInstanceParameters(files.toString());
  }

  private static MasterKillContainerRequest.Builder kill(long instance) {
    return MasterKillContainerRequest.newBuilder().setJobId(JOB_ID).setJobInstanceId(instance).setMayInterruptIfRunning(false);
  }

  private static void startBatch(long instance, List<MasterStartContainerRequest> tasks) throws Exception {
    peers.startBatch(instance, tasks);
  }

  private static void destroy(long instance, long deliveryId) throws Exception {
    Object reply =
        ask(ActorPaths.WORKER_CONTAINER, MasterDestroyContainerPoolRequest.newBuilder().setJobInstanceId(instance).setDeliveryId(deliveryId).build(), 10);
    MasterDestroyContainerPoolResponse destroyed = (MasterDestroyContainerPoolResponse) reply;
    assertThat(destroyed.getSuccess()).isTrue();
    assertThat(destroyed.getDeliveryId()).isEqualTo(deliveryId);
  }

  private static Object ask(String endpoint, Object message, int seconds) throws Exception {
    return peers.ask(endpoint, message, seconds);
  }

  private static List<TaskStatusInfo> awaitStatuses(long instance, int count) {
    return peers.awaitStatuses(instance, count);
  }

  private static List<ContainerBatchReportTaskStatuesRequest> reports(long instance) {
    return record.acceptedReports.stream().filter(r -> r.getJobInstanceId() == instance).toList();
  }

  private static Map<Long, TaskStatusInfo> byId(List<TaskStatusInfo> statuses) {
    return statuses.stream().collect(Collectors.toMap(TaskStatusInfo::getTaskId, Function.identity()));
  }
}
