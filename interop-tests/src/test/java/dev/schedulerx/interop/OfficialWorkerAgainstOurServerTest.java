package dev.schedulerx.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.interop.official.OfficialBroadcast;
import dev.schedulerx.interop.official.OfficialEcho;
import dev.schedulerx.interop.official.OfficialSum;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two official SchedulerX Java workers (schedulerx2-worker 1.11.4, each in its own JVM) against our server,
 * started through bin/schedulerx-server: they register and run standalone, broadcast and MapReduce jobs.
 * The three JVMs are shared by the tests of this class.
 */
class OfficialWorkerAgainstOurServerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private static OurServer server;
  private static Processes first;
  private static Processes second;

  @BeforeAll
  static void start() throws Exception {
    server = OurServer.start(dir);
    Path a = Files.createDirectories(dir.resolve("official-a"));
    Path b = Files.createDirectories(dir.resolve("official-b"));
    first = OfficialWorkerProcess.start("official worker A", server.domain(), a.resolve("worker.log"), "256m");
    second = OfficialWorkerProcess.start("official worker B", server.domain(), b.resolve("worker.log"), "256m");
    await("both official workers registered").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
        .until(() -> officialWorkers().size() == 2);
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {first, second, server}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // best effort: the next resource must still be closed
      }
    }
  }

  private static List<JsonNode> officialWorkers() {
    return server.workers().stream().filter(w -> "java".equals(w.path("starter").asText())).toList();
  }

  private static JsonNode awaitFinished(long instanceId) {
    await("instance " + instanceId + " finished").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
        .until(() -> server.instance(instanceId).path("finishedAt").isTextual());
    return server.instance(instanceId);
  }

  @Test
  void theOfficialWorkersRegisterWithTheirVersionAndGroup() {
    List<JsonNode> workers = officialWorkers();
    assertThat(workers).hasSize(2).allSatisfy(w -> {
      assertThat(w.path("groupId").asText()).isEqualTo(OurServer.GROUP);
      assertThat(w.path("version").asText()).startsWith("1.11");
    });
  }

  @Test
  void aStandaloneJobRunsOnAnOfficialWorkerAndEndsSuccessWithItsResult() {
    server.upsertJob("official-echo", OfficialEcho.class.getName(), "standalone", "hello");

    JsonNode instance = awaitFinished(server.trigger("official-echo"));

    assertThat(instance.path("state").asText()).as(instance.toString()).isEqualTo("SUCCESS");
    assertThat(instance.path("result").asText()).isEqualTo("official echo: hello");
  }

  @Test
  void aBroadcastOverTwoOfficialWorkersGivesPostProcessBothResults() {
    server.upsertJob("official-broadcast", OfficialBroadcast.class.getName(), "broadcast", "");

    JsonNode instance = awaitFinished(server.trigger("official-broadcast"));

    assertThat(instance.path("state").asText()).as(instance.toString()).isEqualTo("SUCCESS");
    assertThat(instance.path("result").asText())
        .isEqualTo("2 results: " + String.join(",", java.util.stream.Stream.of(first.pid(), second.pid())
            .map(pid -> "pid" + pid).sorted().toList()));
  }

  @Test
  void aMapReduceOfOneToAThousandOverOfficialWorkersReducesTo500500() {
    server.upsertJob("official-sum", OfficialSum.class.getName(), "grid", "1000");

    JsonNode instance = awaitFinished(server.trigger("official-sum"));

    assertThat(instance.path("state").asText()).as(instance.toString()).isEqualTo("SUCCESS");
    assertThat(instance.path("result").asText()).startsWith("500500 ");
  }
}
