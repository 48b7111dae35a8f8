package dev.schedulerx.worker.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.worker.container.ContainerRunner;
import dev.schedulerx.worker.container.ContainerTask;
import dev.schedulerx.worker.container.TaskGroup;
import dev.schedulerx.worker.instance.Peers;
import dev.schedulerx.worker.task.InstanceSpec;
import dev.schedulerx.worker.task.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A master's tasks for its own worker reach the container runner as a decoded start request would. */
class LocalPeersTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final String SELF = "w1@127.0.0.1:7001";
  private static final String OTHER = "w2@127.0.0.1:7002";
  private static final String MASTER_PATH = "akka.tcp://w1@127.0.0.1:7001/user/map_master_router";
  private static final InstanceSpec INSTANCE = new InstanceSpec(7, 11, "mr", "g", "grid", "TestMapReduceJob", "p", "ip",
      Instant.ofEpochMilli(1_000), Instant.ofEpochMilli(1_000), 0, 2, "u", "", List.of(SELF, OTHER));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** Records what went over the wire. */
  private static final class WireCalls implements Peers {
    final List<String> calls = new ArrayList<>();

    @Override
    public CompletionStage<Void> startTasks(String worker, InstanceSpec instance, List<TaskSpec> tasks) {
      calls.add(worker + " " + tasks.stream().map(TaskSpec::taskId).toList());
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> checkAlive(String worker, long instanceId) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void kill(String worker, InstanceSpec instance) {}

    @Override
    public void destroy(String worker, InstanceSpec instance) {}

    @Override
    public void claim(String worker, InstanceSpec instance, int epoch) {}

    @Override
    public void release(InstanceSpec instance, int epoch) {}
  }

  private static TaskSpec task(long id, int maxAttempt) {
    return new TaskSpec(id, "OrderInfo", ("body " + id).getBytes(StandardCharsets.UTF_8), 0, maxAttempt, 3, 0);
  }

  @Test
  void ownTasksGoToTheRunnerWithTheMasterPathAndTheirCopiedBodiesOthersOverTheWire() {
    TestProbe<ContainerRunner.Command> runner = testKit.createTestProbe();
    WireCalls wire = new WireCalls();
    LocalPeers peers = new LocalPeers(SELF, MASTER_PATH, runner.getRef(), wire);
    TaskSpec first = task(1, 1);
    List<TaskSpec> tasks = List.of(first, task(2, 1), task(3, 5));

    assertThat(peers.startTasks(SELF, INSTANCE, tasks).toCompletableFuture()).isCompleted();
    peers.startTasks(OTHER, INSTANCE, List.of(task(4, 1)));

    ContainerRunner.Start start = runner.expectMessageClass(ContainerRunner.Start.class);
    TaskGroup group = start.group();
    assertThat(group).isEqualTo(new TaskGroup(INSTANCE, MASTER_PATH, 0, 0, 1, 2, Duration.ofSeconds(3), 0));
    assertThat(start.tasks()).extracting(ContainerTask::taskId).containsExactly(1L, 2L);
    ContainerTask run = start.tasks().get(0);
    assertThat(run.taskName()).isEqualTo("OrderInfo");
    assertThat(run.body()).as("a copy: the master keeps its own for a re-dispatch").isEqualTo(first.body()).isNotSameAs(first.body());
    // a task with other retry settings opens a group of its own, as a request of its own would
    ContainerRunner.Start second = runner.expectMessageClass(ContainerRunner.Start.class);
    assertThat(second.group().taskMaxAttempt()).isEqualTo(5);
    assertThat(second.tasks()).extracting(ContainerTask::taskId).containsExactly(3L);
    runner.expectNoMessage(Duration.ofMillis(50));
    assertThat(wire.calls).containsExactly(OTHER + " [4]");
  }
}
