package dev.schedulerx.worker.instance;

import static dev.schedulerx.worker.instance.MasterHarness.DEADLINE;
import static dev.schedulerx.worker.instance.MasterHarness.SELF;
import static dev.schedulerx.worker.instance.MasterHarness.W1;
import static dev.schedulerx.worker.instance.MasterHarness.W2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.worker.instance.MasterHarness.Instance;
import dev.schedulerx.worker.instance.MasterHarness.Reported;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Master resume at the master's level: a Map/MapReduce master writing its log, stopped dead mid-run, and a new
 * master (the same instance at the next epoch) rebuilding its state from that log. The separate-process
 * version (kill -9 over TCP, the server's store) is MasterResumeEndToEndTest.
 */
class MasterResumeTest {
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

  private static long sum(long n) {
    return n * (n + 1) / 2;
  }

  private static List<Long> sentIds(Instance i) {
    List<Long> ids = new ArrayList<>();
    i.peers.calls().stream().filter(LoopbackPeers.Call::accepted).forEach(c -> ids.addAll(c.ids()));
    return ids;
  }

  @Test
  void aResumedMasterRunsOnlyWhatHadNotFinishedAndTheSumIsExact() {
    MemoryMasterLog log = new MemoryMasterLog();
    Instance first = harness.instance("grid", "SumMapReduce", "3000").masterLog(log);
    first.peers.slow(W1).slow(W2); // they hold what they get: a window each stays unfinished
    first.start();
    await("all but the held tasks finished and logged").atMost(DEADLINE)
        .until(() -> first.peers.held(W1) + first.peers.held(W2) > 0
            && log.counts()[1] == 3001 - first.peers.held(W1) - first.peers.held(W2));
    Set<Long> held = new HashSet<>(first.peers.taskIdsSentTo(W1));
    held.addAll(first.peers.taskIdsSentTo(W2));

    first.crash();
    log.promote();
    Instance second = first.resumedAt(1);
    second.start();

    Reported end = second.awaitEnd();
    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.SUCCESS, Long.toString(sum(3000)));
    assertThat(sentIds(second)).as("only the tasks that had not finished run again").containsExactlyInAnyOrderElementsOf(held);
    assertThat(second.peers.events()).as("it claimed every worker, itself included, at its epoch")
        .contains("claim " + SELF + " 1", "claim " + W1 + " 1", "claim " + W2 + " 1");
    assertThat(first.reports.receiveMessage(DEADLINE).status()).isEqualTo(InstanceStatus.RUNNING);
    first.reports.expectNoMessage(Duration.ofMillis(200)); // the dead master reported nothing more
  }

  @Test
  void aSecondMasterDeathInTheSameInstanceIsResumedAgainFromBothEpochsLogs() {
    MemoryMasterLog log = new MemoryMasterLog();
    Instance first = harness.instance("grid", "SumMapReduce", "2000").masterLog(log);
    first.peers.slow(W1).slow(W2);
    first.start();
    await("all but the held tasks finished and logged").atMost(DEADLINE)
        .until(() -> first.peers.held(W1) > 0 && first.peers.held(W2) > 0
            && log.counts()[1] == 2001 - first.peers.held(W1) - first.peers.held(W2));
    first.crash();

    log.promote();
    Instance second = first.resumedAt(1);
    second.peers.slow(W2); // W1 and the master finish what they get, W2 holds its share
    second.start();
    await("the second master's share of W1 logged").atMost(DEADLINE)
        .until(() -> second.peers.held(W2) > 0 && !second.peers.taskIdsSentTo(W1).isEmpty()
            && log.counts()[1] == 2001 - second.peers.held(W2));
    Set<Long> stillHeld = new HashSet<>(second.peers.taskIdsSentTo(W2));
    second.crash();

    log.promote();
    Instance third = second.resumedAt(2);
    third.start();

    assertThat(third.awaitEnd()).extracting(Reported::status, Reported::result)
        .containsExactly(InstanceStatus.SUCCESS, Long.toString(sum(2000)));
    assertThat(sentIds(third)).containsExactlyInAnyOrderElementsOf(stillHeld);
  }

  @Test
  void aTwoLevelMapResumesWithEveryLeafCountedOnce() {
    MemoryMasterLog log = new MemoryMasterLog();
    Instance first = harness.instance("grid", "TwoLevelSum", "20,100").masterLog(log);
    first.peers.slow(W1).slow(W2); // groups sent there have not mapped yet when the master dies
    first.start();
    await("the master's own groups mapped and their leaves logged").atMost(DEADLINE)
        .until(() -> first.peers.held(W1) > 0 && log.counts()[1] > 100);
    first.crash();

    log.promote();
    Instance second = first.resumedAt(1);
    second.start();

    assertThat(second.awaitEnd()).extracting(Reported::status, Reported::result)
        .containsExactly(InstanceStatus.SUCCESS, Long.toString(sum(2000)));
    assertThat(sentIds(second)).doesNotHaveDuplicates();
  }

  @Test
  void aMasterLostDuringReduceIsResumedAndItsSuccessorReducesAgain() throws Exception {
    MemoryMasterLog log = new MemoryMasterLog();
    Path gate = Files.createDirectories(dir.resolve("reduce-gate"));
    Instance first = harness.instance("grid", "GatedReduce", "300").instanceParameters(gate.toString()).masterLog(log);
    first.start();
    await("reduce started").atMost(DEADLINE).until(() -> Files.exists(gate.resolve("reduce-started")));
    first.crash();

    log.promote();
    Files.delete(gate.resolve("reduce-started"));
    Instance second = first.resumedAt(1);
    second.start();
    await("reduce started again").atMost(DEADLINE).until(() -> Files.exists(gate.resolve("reduce-started")));
    Files.createFile(gate.resolve("go"));

    assertThat(second.awaitEnd()).extracting(Reported::status, Reported::result)
        .containsExactly(InstanceStatus.SUCCESS, Long.toString(sum(300)));
    assertThat(sentIds(second)).as("every sub-task had finished: nothing runs again").isEmpty();
  }

  @Test
  void aRootStillMappingWhenItsMasterDiedMapsAgainAndCreatesNothingTwice() throws Exception {
    MemoryMasterLog log = new MemoryMasterLog();
    Path go = dir.resolve("go-sorted");
    Instance first = harness.instance("grid", "TwoPhaseRoot", "500").instanceParameters("sorted," + go).masterLog(log);
    first.start();
    await("the root's first phase logged").atMost(DEADLINE).until(() -> log.counts()[0] >= 501);

    first.crash();
    log.promote();
    Files.createFile(go);
    Instance second = first.resumedAt(1);
    second.start();

    Reported end = second.awaitEnd();
    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.SUCCESS, Long.toString(sum(1000)));
    assertThat(sentIds(second)).as("each task once, none of them twice").doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(1001);
  }

  @Test
  void aRootWhoseMapIsNotDeterministicAbandonsTheResumeWithTheReason() {
    MemoryMasterLog log = new MemoryMasterLog();
    Path go = dir.resolve("go-shuffled");
    Instance first = harness.instance("grid", "TwoPhaseRoot", "500").instanceParameters("shuffled," + go).masterLog(log);
    first.start();
    await("the root's first phase logged").atMost(DEADLINE).until(() -> log.counts()[0] >= 501);

    first.crash();
    log.promote();
    Instance second = first.resumedAt(1);
    second.start();

    Reported end = second.awaitEnd();
    assertThat(end.status()).isEqualTo(InstanceStatus.FAILED);
    assertThat(end.result()).startsWith("resume at epoch 1 abandoned: map() of task 0 (MAP_TASK_ROOT)")
        .contains("not deterministic");
  }

  @Test
  void aMasterTheServerReplacedStopsWithoutReportingAnything() {
    MemoryMasterLog log = new MemoryMasterLog();
    Instance old = harness.instance("grid", "SumMapReduce", "2000").masterLog(log);
    old.peers.slow(W1).slow(W2).slow(SELF);
    old.start();
    assertThat(old.reports.receiveMessage(DEADLINE).status()).isEqualTo(InstanceStatus.RUNNING);
    await("the root's sub-tasks logged").atMost(DEADLINE).until(() -> log.counts()[0] > 0 || old.peers.held(SELF) > 0);

    log.promote(); // another worker took the instance over
    old.peers.release(SELF);
    old.peers.release(W1);
    old.peers.release(W2);

    old.reports.expectTerminated(old.supervisor, DEADLINE);
    old.reports.expectNoMessage(Duration.ofMillis(300));
    assertThat(old.peers.events()).as("its own containers drop its tasks; nothing killed or destroyed elsewhere")
        .containsExactly("release 0");
  }

  @Test
  void aJobThatTurnsResumeOffKeepsNoLog() {
    assertThat(MapMaster.resumable("")).isTrue();
    assertThat(MapMaster.resumable("{\"taskMaxAttempt\":2}")).isTrue();
    assertThat(MapMaster.resumable("{\"resume\":false}")).isFalse();
  }

  @Test
  void anEmptyLogStartsTheInstanceFromTheBeginning() {
    MemoryMasterLog log = new MemoryMasterLog();
    log.promote();
    Instance resumed = harness.instance("grid", "SumMapReduce", "100").masterLog(log).resumedAt(1);
    resumed.start();

    assertThat(resumed.awaitEnd()).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.SUCCESS, "5050");
  }
}
