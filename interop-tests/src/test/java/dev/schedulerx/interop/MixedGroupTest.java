package dev.schedulerx.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.interop.official.OfficialShardCheck;
import dev.schedulerx.interop.official.OfficialSum;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One official SchedulerX Java worker and two of our daemons (each its own JVM) in one group of our server
 * run one two-level MapReduce: sub-task bodies cross between them in Hessian, map requests of sub-tasks reach
 * a master of the other kind, sub-tasks run on all three, and the result is exact whether the master is the
 * official worker or one of ours. A sharding job's shards, too, run on all three with their parameters.
 */
@Tag("interop")
class MixedGroupTest {
  private static final Duration DEADLINE = Duration.ofSeconds(40);

  @TempDir static Path dir;
  private static MixedGroup group;
  private static OurServer server;
  private static Processes official;
  private static Processes daemonA;
  private static Processes daemonB;

  @BeforeAll
  static void start() throws Exception {
    group = MixedGroup.start(dir, DEADLINE);
    server = group.server;
    official = group.official;
    daemonA = group.daemonA;
    daemonB = group.daemonB;
    server.upsertJob("mixed-sum", OfficialSum.class.getName(), "grid", "1000");
    server.upsertJob("mixed-shards", OfficialShardCheck.class.getName(), "sharding",
        String.join(",", java.util.stream.IntStream.range(0, 12).mapToObj(i -> i + "=p" + i).toList()));
  }

  @AfterAll
  static void stop() {
    if (group != null) {
      group.close();
    }
  }

  @Test
  void aMapReduceRunsOnTheOfficialWorkerAndBothDaemonsWithAnExactResultWhicheverIsMaster() {
    Set<String> expectedRunners = Set.of(
        "official-" + official.pid(), "daemon-" + daemonA.pid(), "daemon-" + daemonB.pid());
    Set<String> masters = new HashSet<>();
    // The server rotates the master over the group: three runs give each worker the master's part once.
    for (int run = 0; run < 3; run++) {
      long id = server.trigger("mixed-sum");
      JsonNode instance = server.awaitFinished(id, DEADLINE);
      assertThat(instance.path("state").asText()).as(instance.toString()).isEqualTo("SUCCESS");
      String result = instance.path("result").asText();
      String master = masterKind(instance);
      assertThat(result).as("run " + run).startsWith("500500 by ").contains(" | ranges by ");
      String[] parts = result.substring("500500 by ".length()).split(" \\| ranges by ");
      assertThat(Set.of(parts[0].split(",")))
          .as("runners of the numbers, run " + run + " (master: " + master + ")").isEqualTo(expectedRunners);
      // Ranges ran on workers of the other kind too: their map requests crossed to the master.
      String otherKind = master.equals("official") ? "daemon-" : "official-";
      assertThat(Set.of(parts[1].split(","))).as("runners of the ranges, run " + run + " (master: " + master + ")")
          .anyMatch(r -> r.startsWith(otherKind));
      masters.add(master);
    }
    assertThat(masters).as("who was master").containsExactlyInAnyOrder("official", "daemon");
  }

  @Test
  void aShardingJobGivesEveryShardItsParameterWhicheverKindIsMaster() {
    Set<String> masters = new HashSet<>();
    for (int run = 0; run < 3; run++) {
      long id = server.trigger("mixed-shards");
      JsonNode instance = server.awaitFinished(id, DEADLINE);
      // Every shard checked its own parameter and the shard count: one wrong would have failed the instance.
      assertThat(instance.path("state").asText()).as(instance.toString()).isEqualTo("SUCCESS");
      String master = masterKind(instance);
      assertThat(shardRunners(instance)).as("workers that ran shards, run " + run + " (master: " + master + ")").hasSize(3);
      masters.add(master);
    }
    assertThat(masters).as("who was master").containsExactlyInAnyOrder("official", "daemon");
  }

  /** "official" or "daemon": the kind of worker the server picked as the instance's master. */
  private static String masterKind(JsonNode instance) {
    String officialWorkerId = server.workers().stream().filter(OfficialWorkerProcess::isOfficial)
        .map(w -> w.path("address").path("workerId").asText(w.path("workerId").asText())).findFirst().orElseThrow();
    return instance.path("workerId").asText().equals(officialWorkerId) ? "official" : "daemon";
  }

  /** host:port of the workers that ran shards, from the progress the master reported (each kind has its own shape). */
  private static Set<String> shardRunners(JsonNode instance) {
    JsonNode progress;
    try {
      progress = new com.fasterxml.jackson.databind.ObjectMapper().readTree(instance.path("progress").asText());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError("progress is not JSON: " + instance, e);
    }
    Set<String> runners = new HashSet<>();
    progress.path("shardingProgress").forEach(shard -> runners.add(shard.path("workerAddr").asText()));
    progress.path("workerProgress").forEach(w -> {
      if (w.path("total").asLong() > 0) {
        String addr = w.path("workerAddr").asText();
        runners.add(addr.substring(addr.lastIndexOf('@') + 1));
      }
    });
    return runners;
  }
}
