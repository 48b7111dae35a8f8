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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two official SchedulerX Java workers (schedulerx2-worker 1.11.4, each in its own JVM) against our server,
 * started through bin/schedulerx-server: they register and run standalone, broadcast and MapReduce jobs.
 * The three JVMs are shared by the tests of this class.
 */
@Tag("interop")
class OfficialWorkerAgainstOurServerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private static OurServer server;
  private static RecordingProxy proxy;
  private static Processes first;
  private static Processes second;

  @BeforeAll
  static void start() throws Exception {
    server = OurServer.start(dir);
    proxy = RecordingProxy.to(server.domain());
    Path a = Files.createDirectories(dir.resolve("official-a"));
    Path b = Files.createDirectories(dir.resolve("official-b"));
    first = OfficialWorkerProcess.launch("official worker A", proxy.domain(), a.resolve("worker.log"), "256m");
    second = OfficialWorkerProcess.launch("official worker B", proxy.domain(), b.resolve("worker.log"), "256m");
    OfficialWorkerProcess.awaitStarted(first);
    OfficialWorkerProcess.awaitStarted(second);
    // The official worker's own start varies widely (1.8-10 s measured on a quiet machine, more beside other test JVMs).
    try {
      await("both official workers registered").atMost(DEADLINE.multipliedBy(2)).pollInterval(Duration.ofMillis(200))
          .until(() -> officialWorkers().size() == 2);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("registered: " + officialWorkers() + "\n" + OfficialWorkerProcess.logTails(a) + "\n"
          + OfficialWorkerProcess.logTails(b) + "\n--- server log ends:\n"
          + Processes.tail(server.process.logText(), 4000), e);
    }
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.calls().forEach(c -> System.out.println("official worker HTTP: " + c.method() + " " + c.path() + "?" + c.query() + " -> " + c.status() + " " + c.body()));
      proxy.close();
    }
    Processes.closeEach(first, second, server);
  }

  private static List<JsonNode> officialWorkers() {
    return server.workers().stream().filter(w -> "java".equals(w.path("starter").asText())).toList();
  }

  @Test
  void everyHttpCallOfTheOfficialWorkersIsAnsweredWithASuccessEnvelopeOfTheExpectedShape() throws Exception {
    List<RecordingProxy.Call> calls = proxy.calls();
    assertThat(calls).extracting(RecordingProxy.Call::path).contains(
        "/worker/v1/meta/get", "/worker/v1/appgroup/authenticate", "/worker/v1/appgroup/getId",
        "/worker/v1/appgroup/get", "/worker/v1/appgroup/getLeaderAddr");
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (RecordingProxy.Call call : calls) {
      JsonNode body = json.readTree(call.body());
      assertThat(call.status()).as(call.toString()).isEqualTo(200);
      assertThat(body.path("success").asBoolean()).as(call.toString()).isTrue();
      JsonNode data = body.path("data");
      switch (call.path()) {
        case "/worker/v1/meta/get", "/worker/v1/appgroup/get" -> assertThat(data.isObject()).as(call.toString()).isTrue();
        case "/worker/v1/appgroup/authenticate" -> assertThat(data.isBoolean()).as(call.toString()).isTrue();
        case "/worker/v1/appgroup/getId" -> assertThat(data.isTextual()).as(call.toString()).isTrue();
        case "/worker/v1/appgroup/getLeaderAddr" -> assertThat(data.asText()).as(call.toString()).matches("127\\.0\\.0\\.1:\\d+");
        default -> assertThat(call.path()).as("a call this test does not know yet: " + call).isIn(
            "/app/getAllUsefulWorkerList.json", "/app/grepHasDesignateJobIds.json");
      }
    }
  }

  @Test
  void workerCallsOurServerDoesNotImplementGetACleanErrorEnvelopeAndTheOfficialWorkersKeepRunning() throws Exception {
    // The official worker's 60 s task-master timer calls these; they are not implemented here.
    for (String path : List.of(
        "/worker/v1/appgroup/getRouteStrategyInfoForSync?appGroupId=1&jobId=1&appKey=" + OurServer.APP_KEY,
        "/worker/v1/appgroup/getTaregtWorkerAddrsMap?appGroupId=1&jobId=1&appKey=" + OurServer.APP_KEY,
        "/worker/v1/meta/consolelist")) {
      var response = server.rawGet(path);
      JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(body.path("success").asBoolean(true)).as(path).isFalse();
      assertThat(body.path("code").asInt()).as(path).isEqualTo(404);
      assertThat(body.path("message").asText()).as(path).endsWith("is not implemented by this server");
      assertThat(body.has("requestId")).as(path).isTrue();
    }
    // Implemented ones of the same timer answer the shapes it reads.
    JsonNode useful = server.get("/app/getAllUsefulWorkerList.json?appGroupId=1&jobId=1&appKey=" + OurServer.APP_KEY);
    assertThat(useful.path("data")).hasSize(2);
    assertThat(server.get("/app/grepHasDesignateJobIds.json?appGroupId=1&appKey=" + OurServer.APP_KEY).path("data").path("designate").isArray()).isTrue();

    assertThat(first.isAlive()).isTrue();
    assertThat(second.isAlive()).isTrue();
    await("both official workers still heartbeating").atMost(DEADLINE).until(() -> officialWorkers().size() == 2);
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

    JsonNode instance = server.awaitFinished(server.trigger("official-echo"), DEADLINE);

    assertThat(instance.path("state").asText()).as(instance.toString()).isEqualTo("SUCCESS");
    assertThat(instance.path("result").asText()).isEqualTo("official echo: hello");
  }

  @Test
  void aBroadcastOverTwoOfficialWorkersGivesPostProcessBothResults() {
    server.upsertJob("official-broadcast", OfficialBroadcast.class.getName(), "broadcast", "");

    JsonNode instance = server.awaitFinished(server.trigger("official-broadcast"), DEADLINE);

    assertThat(instance.path("state").asText()).as(instance.toString()).isEqualTo("SUCCESS");
    assertThat(instance.path("result").asText())
        .isEqualTo("2 results: " + String.join(",", java.util.stream.Stream.of(first.pid(), second.pid())
            .map(pid -> "pid" + pid).sorted().toList()));
  }

  @Test
  void aMapReduceOfOneToAThousandOverOfficialWorkersReducesTo500500() {
    server.upsertJob("official-sum", OfficialSum.class.getName(), "grid", "1000");

    JsonNode instance = server.awaitFinished(server.trigger("official-sum"), DEADLINE);

    assertThat(instance.path("state").asText()).as(instance.toString()).isEqualTo("SUCCESS");
    assertThat(instance.path("result").asText()).startsWith("500500 ");
  }
}
