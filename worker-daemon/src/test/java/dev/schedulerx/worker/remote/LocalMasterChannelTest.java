package dev.schedulerx.worker.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.worker.container.ContainerSettings;
import dev.schedulerx.worker.container.MasterChannel.Outcome;
import dev.schedulerx.worker.container.TaskGroup;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.TaskOutcome;
import dev.schedulerx.worker.instance.JobInstanceSupervisor;
import dev.schedulerx.worker.remote.WorkerGuardian;
import dev.schedulerx.worker.task.InstanceSpec;
import dev.schedulerx.worker.task.TaskBodyCodec;
import dev.schedulerx.worker.task.TaskContext;
import dev.schedulerx.worker.task.TaskSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Statuses and map() calls of tasks whose master is this daemon go to its guardian in memory, the rest to the wire. */
class LocalMasterChannelTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final String HERE = "akka.tcp://w1@127.0.0.1:7001/user/map_master_router";
  private static final String THERE = "akka.tcp://w2@127.0.0.1:7002/user/map_master_router";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static TaskGroup group(long instanceId, String masterPath) {
    InstanceSpec instance = new InstanceSpec(7, instanceId, "mr", "g", "grid", "TestMapReduceJob", "", "",
        Instant.EPOCH, Instant.EPOCH, 0, 0, "u", "", List.of());
    return new TaskGroup(instance, masterPath, 0, 0, 0, 0, Duration.ZERO, 0);
  }

  private record Peers(TestProbe<TaskReporter.Command> reporter, TestProbe<WorkerGuardian.Command> guardian, WireMasterChannel channel) {}

  private static Peers peers() {
    TestProbe<TaskReporter.Command> reporter = testKit.createTestProbe();
    TestProbe<WorkerGuardian.Command> guardian = testKit.createTestProbe();
    LocalMaster local = new LocalMaster(HERE, "127.0.0.1:7001", guardian.getRef(), testKit.system().ignoreRef());
    MapForwarder forwarder = new MapForwarder(Adapter.toClassic(testKit.system()), new TaskBodyCodec(), ContainerSettings.DEFAULTS.map());
    return new Peers(reporter, guardian, new WireMasterChannel(reporter.getRef(), forwarder, local));
  }

  @Test
  void statusesForThisDaemonsMastersSkipTheReporterOneCommandPerInstanceInOrder() {
    Peers p = peers();
    TaskGroup here11 = group(11, HERE);
    TaskGroup here12 = group(12, HERE);
    TaskGroup there = group(13, THERE);

    p.channel().reportAll(List.of(
        new Outcome(here11, 1, "A", TaskStatus.SUCCESS, "1"),
        new Outcome(there, 2, "A", TaskStatus.SUCCESS, "2"),
        new Outcome(here11, 3, "A", TaskStatus.FAILED, null),
        new Outcome(here12, 4, "A", TaskStatus.SUCCESS, "4")));

    WorkerGuardian.ToInstance first = p.guardian().expectMessageClass(WorkerGuardian.ToInstance.class, WAIT);
    assertThat(first.instanceId()).isEqualTo(11);
    assertThat(((JobInstanceSupervisor.TaskReports) first.command()).outcomes()).containsExactly(
        new TaskOutcome(1, TaskStatus.SUCCESS, "1"), new TaskOutcome(3, TaskStatus.FAILED, ""));
    WorkerGuardian.ToInstance second = p.guardian().expectMessageClass(WorkerGuardian.ToInstance.class, WAIT);
    assertThat(second.instanceId()).isEqualTo(12);
    assertThat(((JobInstanceSupervisor.TaskReports) second.command()).outcomes()).containsExactly(new TaskOutcome(4, TaskStatus.SUCCESS, "4"));
    TaskReporter.ReportAll wire = p.reporter().expectMessageClass(TaskReporter.ReportAll.class, WAIT);
    assertThat(wire.reports()).extracting(TaskReporter.Report::taskId).containsExactly(2L);
    p.guardian().expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void mapForThisDaemonsMasterHandsTheEncodedBodiesToItsSupervisor() throws Exception {
    Peers p = peers();
    TaskGroup here = group(11, HERE);
    TaskContext caller = new TaskContext(here.instance(), new TaskSpec(0, "MAP_TASK_ROOT", null, 0, 0, 0, 0), "127.0.0.1:7001",
        Map.of(), Map.of(), new TaskBodyCodec(), p.channel().mapper(here));
    List<Integer> items = IntStream.rangeClosed(1, 25).boxed().toList();

    CompletableFuture<ProcessResult> mapped = CompletableFuture.supplyAsync(() -> caller.map(items, "Item"));

    WorkerGuardian.ToInstance routed = p.guardian().expectMessageClass(WorkerGuardian.ToInstance.class, WAIT);
    JobInstanceSupervisor.MapTasks map = (JobInstanceSupervisor.MapTasks) routed.command();
    assertThat(routed.instanceId()).isEqualTo(11);
    assertThat(map.parentTaskId()).isZero();
    assertThat(map.taskName()).isEqualTo("Item");
    assertThat(map.bodies()).hasSize(25);
    assertThat(new TaskBodyCodec().decode(map.bodies().get(24), Integer.class)).isEqualTo(25);
    map.replyTo().tell(new JobInstanceSupervisor.MapReply(true, false, ""));
    assertThat(mapped.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).isSuccess()).isTrue();
    p.reporter().expectNoMessage(Duration.ofMillis(50));
  }
}
