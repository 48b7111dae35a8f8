package dev.schedulerx.worker.instance;

import static dev.schedulerx.worker.instance.MasterHarness.SELF;
import static dev.schedulerx.worker.instance.MasterHarness.W1;
import static dev.schedulerx.worker.instance.MasterHarness.W2;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.worker.instance.LoopbackPeers.Call;
import dev.schedulerx.worker.instance.MasterHarness.Instance;
import dev.schedulerx.worker.instance.MasterHarness.Reported;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broadcast master against three workers (itself and two loopback peers): preProcess once, one task
 * per worker, postProcess, and the result rules of SEMANTICS.md §2.6-2.7.
 */
class BroadcastMasterTest {
  @TempDir static Path dir;
  private static MasterHarness harness;

  @BeforeAll
  static void start() throws Exception {
    harness = new MasterHarness(dir);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static Instance broadcast(String jobParameters) {
    return harness.instance("broadcast", "ShardSum", jobParameters);
  }

  @Test
  void everyWorkerRunsOneShardBetweenOnePreProcessAndOnePostProcess() {
    Instance i = broadcast("").start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.SUCCESS, "3"); // 0 + 1 + 2
    assertThat(i.peers.calls()).allSatisfy(c -> {
      assertThat(c.accepted()).isTrue();
      assertThat(c.tasks()).singleElement().satisfies(t -> {
        assertThat(t.shardingNum()).isEqualTo(3);
        assertThat(t.taskName()).isEmpty();
      });
    });
    assertThat(i.peers.calls()).extracting(Call::worker).containsExactlyInAnyOrder(SELF, W1, W2);
    assertThat(i.peers.taskIdsSentTo(SELF)).containsExactly(0L);
    assertThat(i.peers.taskIdsSentTo(W1)).containsExactly(1L);
    assertThat(i.peers.taskIdsSentTo(W2)).containsExactly(2L);
    assertThat(events()).filteredOn(e -> e.startsWith("pre " + i.id + " ")).containsExactly("pre " + i.id + " 0");
    assertThat(events()).filteredOn(e -> e.startsWith("post " + i.id + " ")).containsExactly("post " + i.id + " 3");
    assertThat(i.peers.events()).containsExactlyInAnyOrder("destroy " + SELF, "destroy " + W1, "destroy " + W2);
  }

  @Test
  void aFailingPreProcessFailsTheInstanceBeforeAnyTaskIsSent() {
    Instance i = broadcast("failPre").start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.FAILED, "preProcess failed: no quota left");
    assertThat(i.peers.calls()).isEmpty();
    assertThat(i.peers.events()).isEmpty();
    assertThat(events()).noneMatch(e -> e.startsWith("post " + i.id + " "));
  }

  @Test
  void aFailedPostProcessResultFailsTheInstance() {
    Instance i = broadcast("failPost").start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.FAILED, "postProcess failed: totals do not match");
    assertThat(events()).contains("post " + i.id + " 3");
  }

  @Test
  void aNullPostProcessResultKeepsTheWorkersOutcome() {
    Instance i = broadcast("nullPost").start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.SUCCESS, "3 of 3 workers succeeded");
  }

  @Test
  void aWorkerDeadAtDispatchFailsItsTaskAndTheInstance() {
    Instance i = broadcast("");
    i.peers.dead(W2);
    i.start();

    Reported end = i.awaitEnd();

    assertThat(end.status()).isEqualTo(InstanceStatus.FAILED);
    assertThat(end.result())
        .startsWith("1 of 3 workers failed (first task 2: ")
        .isEqualTo("1 of 3 workers failed (first task 2: worker " + W2 + " refused tasks: worker " + W2 + " is unreachable)"
            + "; postProcess: 1");
    assertThat(i.peers.taskIdsSentTo(W2)).isEmpty();
    assertThat(i.peers.taskIdsSentToOthersThan(W2)).as("a broadcast task is never moved").containsExactlyInAnyOrder(0L, 1L);
  }

  @Test
  void aWorkerThatStopsAnsweringFailsItsTaskAndTheInstance() {
    Instance i = broadcast("");
    i.peers.hanging(W1);
    i.start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.FAILED,
        "1 of 3 workers failed (first task 1: worker " + W1 + " did not answer 3 liveness checks); postProcess: 2");
    assertThat(i.peers.taskIdsSentToOthersThan(W1)).containsExactlyInAnyOrder(0L, 2L);
  }

  @Test
  void killWhileAWorkerHoldsItsTaskFailsTheInstanceAndKillsEveryWorker() {
    Instance i = broadcast("");
    i.peers.slow(W2);
    i.start();
    i.reports.expectMessage(MasterHarness.DEADLINE, new Reported(InstanceStatus.RUNNING, "", null));
    org.awaitility.Awaitility.await().atMost(MasterHarness.DEADLINE)
        .until(() -> i.peers.acked(SELF) == 1 && i.peers.acked(W1) == 1 && i.peers.taskIdsSentTo(W2).size() == 1);

    i.supervisor.tell(new JobInstanceSupervisor.Kill("maintenance"));
    Reported end = i.awaitFinal();

    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.FAILED, "killed: maintenance");
    assertThat(i.peers.events()).containsExactly(
        "kill " + SELF, "kill " + W1, "kill " + W2, "destroy " + SELF, "destroy " + W1, "destroy " + W2);
    assertThat(events()).noneMatch(e -> e.startsWith("post " + i.id + " "));
  }

  @Test
  void aProcessorThatIsNotABroadcastProcessorFailsABroadcastInstanceAtOnce() {
    Instance i = harness.instance("broadcast", "PlainMap", "3").start();

    Reported end = i.awaitFinal();

    assertThat(end).extracting(Reported::status, Reported::result)
        .containsExactly(InstanceStatus.FAILED, "processor PlainMap is not a BroadcastProcessor, needed by execute mode broadcast");
    assertThat(i.peers.calls()).isEmpty();
  }

  @SuppressWarnings("unchecked")
  private static List<String> events() {
    return ((Supplier<List<String>>) harness.plugins.find("ShardSum").orElseThrow().processor()).get();
  }
}
