package dev.schedulerx.worker.instance;

import static dev.schedulerx.worker.instance.MasterHarness.DEADLINE;
import static dev.schedulerx.worker.instance.MasterHarness.SELF;
import static dev.schedulerx.worker.instance.MasterHarness.W1;
import static dev.schedulerx.worker.instance.MasterHarness.W2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.worker.instance.LoopbackPeers.Report;
import dev.schedulerx.worker.instance.MasterHarness.Instance;
import dev.schedulerx.worker.instance.MasterHarness.Reported;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Map/MapReduce master against three workers (itself and two loopback peers): root task, map at any
 * depth, dispatch windows, worker loss, duplicate reports, reduce and the result rules of SEMANTICS.md
 * §2.5-2.6, each checked on the final status the server would receive.
 */
class MapMasterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

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

  private static Instance grid(String processor, String jobParameters) {
    return harness.instance("grid", processor, jobParameters);
  }

  private static long sum(long n) {
    return n * (n + 1) / 2;
  }

  @Test
  void mapReduceOfOneToAThousandOverThreeWorkersSumsExactlyWithTheRootOnTheMaster() {
    Instance i = grid("SumMapReduce", "1000").start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.SUCCESS, "500500");
    assertThat(i.peers.calls().get(0)).satisfies(first -> {
      assertThat(first.worker()).as("the root runs on the master itself").isEqualTo(SELF);
      assertThat(first.ids()).containsExactly(0L);
      assertThat(first.tasks().get(0).taskName()).isEqualTo("MAP_TASK_ROOT");
    });
    assertThat(i.peers.workersWithTasks()).containsExactlyInAnyOrder(SELF, W1, W2);
    for (String worker : List.of(W1, W2)) {
      assertThat(i.peers.taskIdsSentTo(worker)).as("tasks of %s", worker).isNotEmpty();
    }
    assertThat(allSentIds(i)).as("every task sent exactly once").hasSize(1001)
        .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(0, 1000).boxed().toList());
    assertThat(i.peers.events()).containsExactlyInAnyOrder("destroy " + SELF, "destroy " + W1, "destroy " + W2);
  }

  @Test
  void aTwoLevelMapSumsEveryLeafAndReportsTheTaskNamesOfBothLevels() throws Exception {
    int groups = 6;
    int perGroup = 50;
    Instance i = grid("TwoLevelSum", groups + "," + perGroup).start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result)
        .containsExactly(InstanceStatus.SUCCESS, String.valueOf(sum(groups * perGroup)));
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    JSON.readTree(end.progress()).get("taskProgress").forEach(n -> byName.put(n.get("name").asText(), n));
    assertThat(byName).containsOnlyKeys("MAP_TASK_ROOT", "Group", "Leaf");
    assertThat(byName.get("Group").get("total").asLong()).isEqualTo(groups);
    assertThat(byName.get("Group").get("success").asLong()).isEqualTo(groups);
    assertThat(byName.get("Leaf").get("total").asLong()).isEqualTo(groups * perGroup);
    assertThat(byName.get("Leaf").get("success").asLong()).isEqualTo(groups * perGroup);
    JsonNode workers = JSON.readTree(end.progress()).get("workerProgress");
    assertThat(workers).hasSize(3);
    long reported = 0;
    for (JsonNode w : workers) {
      reported += w.get("success").asLong();
    }
    assertThat(reported).isEqualTo(1 + groups + groups * perGroup);
  }

  @Test
  void aFailedSubTaskFailsTheInstanceNamingItAndReduceStillRuns() {
    Instance i = grid("SumMapReduce", "100").instanceParameters("7").start();

    Reported end = i.awaitEnd();

    assertThat(end.status()).isEqualTo(InstanceStatus.FAILED);
    assertThat(end.result())
        .startsWith("1 of 100 sub-tasks failed (first task 7: ")
        .isEqualTo("1 of 100 sub-tasks failed (first task 7: value 7 is unlucky); reduce: " + (sum(100) - 7));
  }

  @Test
  void whenRunReduceIfFailIsFalseAFailedSubTaskSkipsReduce() {
    Instance i = grid("NoReduceOnFail", "20").instanceParameters("3").start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result)
        .containsExactly(InstanceStatus.FAILED, "1 of 20 sub-tasks failed (first task 3: value 3 is unlucky)");
    assertThat(events("NoReduceOnFail")).doesNotContain("reduce " + i.id);
  }

  @Test
  void whenRunReduceIfFailIsFalseReduceStillRunsWithoutFailures() {
    Instance i = grid("NoReduceOnFail", "20").start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.SUCCESS, "reduced 20");
    assertThat(events("NoReduceOnFail")).contains("reduce " + i.id);
  }

  @Test
  void aThrowingReduceFailsTheInstanceWithItsMessage() {
    Instance i = grid("ThrowingReduce", "10").start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result)
        .containsExactly(InstanceStatus.FAILED, "reduce failed: ledger out of balance");
  }

  @ParameterizedTest
  @ValueSource(strings = {"grid", "batch", "parallel"})
  void aPlainMapSucceedsCountingItsSubTasks(String executeMode) {
    Instance i = harness.instance(executeMode, "PlainMap", "50").start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.SUCCESS, "50 sub-tasks succeeded");
  }

  @Test
  void aFailingRootTaskFailsTheInstanceWithItsError() {
    Instance i = grid("SumMapReduce", "lots").start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result)
        .containsExactly(InstanceStatus.FAILED, "root task failed: parameter 'lots' is not a count");
    assertThat(allSentIds(i)).containsExactly(0L);
  }

  @Test
  void aWorkerThatStopsAnsweringLosesItsTasksToTheOthersAndTheSumStaysExact() {
    Instance i = grid("SumMapReduce", "300");
    i.peers.hanging(W2);
    i.start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.SUCCESS, String.valueOf(sum(300)));
    List<Long> lost = i.peers.taskIdsSentTo(W2);
    assertThat(lost).as("W2 got tasks before it was declared dead").isNotEmpty();
    assertThat(i.peers.taskIdsSentToOthersThan(W2)).as("W2's tasks went to the others").containsAll(lost);
    assertThat(i.peers.aliveChecks(W2)).isGreaterThanOrEqualTo(harness.fast().aliveMisses());
    assertThat(i.peers.reports()).noneMatch(r -> r.worker().equals(W2));
    assertThat(i.progress).as("progress sent while waiting for W2").isNotEmpty();
  }

  @Test
  void aWorkerThatMissesLivenessChecksButKeepsReportingKeepsItsTasks() {
    DispatchSettings fast = harness.fast();
    DispatchSettings checks = new DispatchSettings(fast.window(), fast.batchSize(), Duration.ofMillis(250), fast.aliveMisses(),
        fast.progressInterval(), fast.memoryBudgetBytes(), fast.spillDir());
    Instance i = grid("SumMapReduce", "100").settings(checks);
    i.peers.hanging(W2);
    i.start();
    i.reports.expectMessage(DEADLINE, new Reported(InstanceStatus.RUNNING, "", null));
    await().atMost(DEADLINE).until(() -> !i.peers.taskIdsSentTo(W2).isEmpty());
    // a few statuses from W2 after each liveness check it misses
    while (i.peers.held(W2) > 0) {
      int seen = i.peers.aliveChecks(W2);
      await().atMost(DEADLINE).pollInterval(Duration.ofMillis(5)).until(() -> i.peers.aliveChecks(W2) > seen);
      for (int n = 0; n < 8; n++) {
        i.peers.releaseOne(W2);
      }
    }

    Reported end = i.awaitFinal();
    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.SUCCESS, String.valueOf(sum(100)));
    assertThat(i.peers.aliveChecks(W2)).as("W2 missed more checks in a row than allowed").isGreaterThan(checks.aliveMisses());
    assertThat(i.peers.taskIdsSentToOthersThan(W2)).as("W2 kept its tasks").doesNotContainAnyElementsOf(i.peers.taskIdsSentTo(W2));
  }

  @Test
  void aWorkerThatRefusesTasksIsDroppedAtOnceAndTheSumStaysExact() {
    // Liveness checks far apart: only the refusal itself can get W2 declared dead in time.
    DispatchSettings fast = harness.fast();
    DispatchSettings noChecks = new DispatchSettings(fast.window(), fast.batchSize(), Duration.ofHours(1), fast.aliveMisses(),
        fast.progressInterval(), fast.memoryBudgetBytes(), fast.spillDir());
    Instance i = grid("SumMapReduce", "300").settings(noChecks);
    i.peers.dead(W2);
    i.start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.SUCCESS, String.valueOf(sum(300)));
    assertThat(i.peers.calls()).anyMatch(c -> c.worker().equals(W2) && !c.accepted());
    assertThat(i.peers.taskIdsSentTo(W2)).isEmpty();
    assertThat(i.peers.aliveChecks(W2)).isZero();
    assertThat(allSentIds(i)).as("every task accepted exactly once").hasSize(301).doesNotHaveDuplicates();
  }

  @Test
  void aWorkerReportingEveryTaskTwiceIsCountedOnce() {
    Instance i = grid("SumMapReduce", "300");
    i.peers.duplicating(W1);
    i.start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.SUCCESS, String.valueOf(sum(300)));
    List<Long> fromW1 = i.peers.reports().stream().filter(r -> r.worker().equals(W1)).map(Report::taskId).toList();
    assertThat(fromW1).isNotEmpty();
    assertThat(fromW1).hasSize(2 * i.peers.taskIdsSentTo(W1).size());
  }

  @Test
  void aReDispatchedTaskReportedByBothItsOldAndItsNewWorkerIsCountedOnce() {
    int n = 30;
    Instance i = grid("SumMapReduce", String.valueOf(n));
    i.peers.hanging(W2).slow(W1);
    i.start();
    i.reports.expectMessage(DEADLINE, new Reported(InstanceStatus.RUNNING, "", null));
    // W2 is declared dead and its tasks are re-sent to the master (which runs them) and W1 (which holds them).
    await().atMost(DEADLINE).until(() -> !i.peers.taskIdsSentTo(W2).isEmpty()
        && i.peers.taskIdsSentToOthersThan(W2).containsAll(i.peers.taskIdsSentTo(W2)));
    List<Long> lost = i.peers.taskIdsSentTo(W2);

    // The old worker reports after all, while the instance still waits for W1 ...
    i.peers.release(W2);
    await().atMost(DEADLINE).until(() -> i.peers.acked(W2) == lost.size());
    // ... then W1 reports everything it held, including tasks W2 already reported.
    i.peers.release(W1);
    Reported end = i.awaitFinal();

    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.SUCCESS, String.valueOf(sum(n)));
    Set<Long> reportedTwice = new HashSet<>();
    Set<Long> seen = new HashSet<>();
    for (Report r : i.peers.reports()) {
      if (!seen.add(r.taskId())) {
        reportedTwice.add(r.taskId());
      }
    }
    assertThat(reportedTwice).as("each of W2's tasks was reported by W2 and by its new worker").containsExactlyInAnyOrderElementsOf(lost);
  }

  @Test
  void aMappingTaskReRunAfterItsWorkerWasLostDoesNotMapItsSubTasksTwice() throws Exception {
    int groups = 6;
    int perGroup = 50;
    Instance i = grid("TwoLevelSum", groups + "," + perGroup);
    i.peers.mute(W2); // runs its group tasks (whose leaves reach the master), then is never heard of again
    i.start();

    Reported end = i.awaitEnd();

    assertThat(i.peers.calls()).as("W2 ran a group task").anyMatch(c -> c.worker().equals(W2)
        && c.tasks().stream().anyMatch(t -> t.taskName().equals("Group")));
    JsonNode leaves = null;
    for (JsonNode n : JSON.readTree(end.progress()).get("taskProgress")) {
      if (n.get("name").asText().equals("Leaf")) {
        leaves = n;
      }
    }
    assertThat(leaves).isNotNull();
    assertThat(leaves.get("total").asLong()).as("leaf tasks").isEqualTo(groups * perGroup);
    assertThat(end).extracting(Reported::status, Reported::result)
        .containsExactly(InstanceStatus.SUCCESS, String.valueOf(sum(groups * perGroup)));
  }

  @Test
  void whenEveryWorkerRefusesTasksTheInstanceFails() {
    Instance i = grid("SumMapReduce", "10");
    i.peers.dead(SELF).dead(W1).dead(W2);
    i.start();

    Reported end = i.awaitEnd();

    assertThat(end.status()).isEqualTo(InstanceStatus.FAILED);
    assertThat(end.result()).startsWith("no live worker left: worker ").contains("refused tasks: ").contains("is unreachable");
    assertThat(i.peers.calls()).extracting(LoopbackPeers.Call::worker).containsExactly(SELF, W1, W2);
  }

  @Test
  void whenEveryWorkerStopsAnsweringTheInstanceFails() {
    Instance i = grid("SumMapReduce", "10");
    i.peers.hanging(SELF).hanging(W1).hanging(W2);
    i.start();

    Reported end = i.awaitEnd();

    assertThat(end.status()).isEqualTo(InstanceStatus.FAILED);
    assertThat(end.result()).startsWith("no live worker left: worker ").endsWith("did not answer 3 liveness checks");
    assertThat(i.peers.taskIdsSentTo(SELF)).containsExactly(0L);
  }

  @Test
  void killWhileSubTasksHangFailsTheInstanceKillsEveryWorkerAndThenReleasesThem() {
    Instance i = grid("SumMapReduce", "30");
    i.peers.slow(W1).slow(W2);
    i.start();
    i.reports.expectMessage(DEADLINE, new Reported(InstanceStatus.RUNNING, "", null));
    await().atMost(DEADLINE).until(() -> i.peers.workersWithTasks().containsAll(List.of(SELF, W1, W2)));

    i.supervisor.tell(new JobInstanceSupervisor.Kill("stopped by an operator"));
    Reported end = i.awaitFinal();

    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.FAILED, "killed: stopped by an operator");
    List<String> events = i.peers.events();
    assertThat(events).containsExactlyInAnyOrder(
        "kill " + SELF, "kill " + W1, "kill " + W2, "destroy " + SELF, "destroy " + W1, "destroy " + W2);
    assertThat(events.subList(0, 3)).as("kills come before the first destroy").allMatch(e -> e.startsWith("kill "));
    assertThat(i.peers.reports()).noneMatch(r -> r.worker().equals(W1) || r.worker().equals(W2));
    i.reports.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aWindowSmallerThanABatchStillSpreadsEveryTask() {
    DispatchSettings fast = harness.fast();
    DispatchSettings window8 = new DispatchSettings(8, 32, fast.aliveInterval(), fast.aliveMisses(),
        fast.progressInterval(), fast.memoryBudgetBytes(), fast.spillDir());
    Instance i = grid("SumMapReduce", "300").settings(window8).start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.SUCCESS, String.valueOf(sum(300)));
    assertThat(i.peers.calls()).allSatisfy(c -> assertThat(c.tasks()).hasSizeLessThanOrEqualTo(8));
  }

  @Test
  void aSlowWorkerNeverHoldsMoreThanItsWindowAndTheOthersTakeTheRest() {
    DispatchSettings fast = harness.fast();
    DispatchSettings window10 = new DispatchSettings(10, 4, fast.aliveInterval(), fast.aliveMisses(),
        fast.progressInterval(), fast.memoryBudgetBytes(), fast.spillDir());
    int n = 200;
    Instance i = grid("SumMapReduce", String.valueOf(n)).settings(window10);
    i.peers.slow(W2);
    i.start();
    i.reports.expectMessage(DEADLINE, new Reported(InstanceStatus.RUNNING, "", null));
    // Everything W2 does not hold is done by the others; W2's window is then full and nothing else waits.
    await().atMost(DEADLINE).until(() -> i.peers.reports().size() == n + 1 - i.peers.taskIdsSentTo(W2).size());

    assertThat(i.peers.taskIdsSentTo(W2)).as("W2 holds a full window, no more").hasSize(10);
    assertThat(i.peers.calls()).filteredOn(c -> c.worker().equals(W2)).allSatisfy(c -> assertThat(c.tasks()).hasSizeLessThanOrEqualTo(4));
    i.reports.expectNoMessage(Duration.ofMillis(100));

    i.peers.release(W2);
    Reported end = i.awaitFinal();
    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.SUCCESS, String.valueOf(sum(n)));
  }

  @Test
  void aProcessorThatIsNotAMapProcessorFailsAMapInstanceAtOnce() {
    Instance i = grid("ShardSum", "").start();

    Reported end = i.awaitFinal();

    assertThat(end).extracting(Reported::status, Reported::result)
        .containsExactly(InstanceStatus.FAILED, "processor ShardSum is not a MapJobProcessor, needed by execute mode grid");
    assertThat(i.peers.calls()).isEmpty();
  }

  @SuppressWarnings("unchecked")
  private static List<String> events(String processor) {
    return ((Supplier<List<String>>) harness.plugins.find(processor).orElseThrow().processor()).get();
  }

  private static List<Long> allSentIds(Instance i) {
    List<Long> ids = new ArrayList<>();
    i.peers.calls().stream().filter(LoopbackPeers.Call::accepted).forEach(c -> ids.addAll(c.ids()));
    return ids;
  }

  // Sharding instances: one task per id=value pair of the parameters, spread over the workers like a map's.

  @Test
  void everyShardRunsOnceWithItsIdParameterAndCountSpreadOverTheWorkers() {
    Instance i = harness.instance("sharding", "ShardEcho", "0=Beijing,1=Hangzhou\r\n2=Shanghai,\n17=k=v\n5=,6=Xi'an").start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.SUCCESS, "6 shards succeeded");
    assertThat(ranFor(i)).containsExactlyInAnyOrder(i.id + " 0=Beijing/6", i.id + " 1=Hangzhou/6", i.id + " 2=Shanghai/6",
        i.id + " 17=k=v/6", i.id + " 5=/6", i.id + " 6=Xi'an/6");
    assertThat(i.peers.calls()).extracting(LoopbackPeers.Call::worker).containsExactlyInAnyOrder(SELF, W1, W2);
  }

  @Test
  void theRunsOwnParametersReplaceTheJobs() {
    Instance i = harness.instance("sharding", "ShardEcho", "0=a,1=b").instanceParameters("5=z").start();

    assertThat(i.awaitEnd().result()).isEqualTo("1 shards succeeded");
    assertThat(ranFor(i)).containsExactly(i.id + " 5=z/1");
  }

  @Test
  void aFailedShardFailsTheInstanceNamingTheShard() {
    Instance i = harness.instance("sharding", "ShardEcho", "0=a,3=fail,4=b").start();

    Reported end = i.awaitEnd();

    assertThat(end).extracting(Reported::status, Reported::result)
        .containsExactly(InstanceStatus.FAILED, "1 of 3 shards failed (first shard 3: shard 3 refused)");
  }

  @Test
  void badShardingParametersFailTheInstanceSayingWhatIsWrongAndRunNothing() {
    Instance i = harness.instance("sharding", "ShardEcho", "0=a,zero=b").start();

    Reported end = i.awaitFinal();

    assertThat(end).extracting(Reported::status, Reported::result).containsExactly(InstanceStatus.FAILED,
        "sharding id \"zero\" in \"zero=b\" is not a whole number (e.g. 0=a,1=b,2=c)");
    assertThat(i.peers.calls()).isEmpty();
  }

  @SuppressWarnings("unchecked")
  private static List<String> ranFor(Instance i) {
    List<String> all = ((Supplier<List<String>>) harness.plugins.find("ShardEcho").orElseThrow().processor()).get();
    return all.stream().filter(e -> e.startsWith(i.id + " ")).toList();
  }
}
