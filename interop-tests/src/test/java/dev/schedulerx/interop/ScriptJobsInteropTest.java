package dev.schedulerx.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.schedulerx.interop.daemon.DaemonSum;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Script jobs in a group of one official SchedulerX Java worker (1.11.4) and one of our daemons, each its own
 * JVM, on our server: the same script ends with the same status and result on either kind of worker (the server
 * hands runs of a standalone job to the group's workers in turn), and a broadcast shell job runs on both, whichever
 * kind is its master, the job type and script crossing from master to worker in both directions.
 */
@Tag("interop")
class ScriptJobsInteropTest {
  private static final Duration DEADLINE = Duration.ofSeconds(40);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static OurServer server;
  private static Processes official;
  private static Processes daemon;
  private static String officialId;

  @BeforeAll
  static void start() throws Exception {
    server = OurServer.withToken(dir, "interop-token");
    official = OfficialWorkerProcess.launch("official worker", server.domain(),
        Files.createDirectories(dir.resolve("official")).resolve("worker.log"), "256m");
    daemon = OurDaemonProcess.launch("daemon", server.domain(), dir.resolve("daemon"), "256m",
        "worker.scripts.enabled = true\n          worker.http-jobs.enabled = true", DaemonSum.class);
    OfficialWorkerProcess.awaitStarted(official);
    OurDaemonProcess.awaitReady(daemon);
    await("two workers registered").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
        .until(() -> server.workers().size() == 2);
    officialId = server.workers().stream().filter(w -> "java".equals(w.path("starter").asText()))
        .map(w -> w.path("address").path("workerId").asText()).findFirst().orElseThrow();
  }

  @AfterAll
  static void stop() {
    Processes.closeEach(daemon, official, server);
  }

  @Test
  void theSameShellScriptEndsAlikeOnTheOfficialWorkerAndOnOurs() {
    upsert("shell-fails", "shell", "standalone", "echo step one; echo \"it failed: code 7 ($0)\" >&2; exit 7");
    upsert("shell-works", "shell", "standalone", "echo fine");

    Map<String, Set<String>> failed = outcomes("shell-fails");
    Map<String, Set<String>> worked = outcomes("shell-works");

    assertThat(failed).containsOnlyKeys("official", "ours");
    assertThat(failed.get("official")).containsExactly("FAILED it failed: code 7 ()");
    assertThat(failed.get("ours")).isEqualTo(failed.get("official"));
    assertThat(worked.get("official")).containsExactly("SUCCESS ");
    assertThat(worked.get("ours")).isEqualTo(worked.get("official"));
  }

  @Test
  void theSamePythonScriptEndsAlikeOnTheOfficialWorkerAndOnOurs() {
    upsert("python-fails", "python", "standalone", "import sys\nprint('args', len(sys.argv))\nsys.exit(3)");

    Map<String, Set<String>> failed = outcomes("python-fails");

    assertThat(failed).containsOnlyKeys("official", "ours");
    assertThat(failed.get("official")).containsExactly("FAILED args 2");
    assertThat(failed.get("ours")).isEqualTo(failed.get("official"));
  }

  @Test
  void aBroadcastShellJobRunsOnBothKindsWhicheverIsMaster() {
    upsert("shell-everywhere", "shell", "broadcast", "echo hello from $$");

    Map<String, Set<String>> runs = outcomes("shell-everywhere");

    assertThat(runs).containsOnlyKeys("official", "ours");
    runs.values().forEach(results -> assertThat(results).allMatch(r -> r.startsWith("SUCCESS")));
  }

  @Test
  void scriptAndHttpJobsCreatedThroughTheOfficialClientRunAlikeOnBothKinds() throws Exception {
    OpenApi api = OpenApi.of(server.domain(), OurServer.NAMESPACE, OurServer.GROUP, OurServer.APP_KEY);
    com.alibaba.schedulerx.common.sdk.common.JobMonitorInfo monitor = new com.alibaba.schedulerx.common.sdk.common.JobMonitorInfo();
    monitor.setMonitorConfig(new com.alibaba.schedulerx.common.sdk.common.MonitorConfig());
    var script = new com.alibaba.schedulerx.common.sdk.common.ScriptJobConfig("shell", "echo checking; echo \"no space left\"; exit 1");
    script.setName("client-shell");
    script.setExecuteMode("standalone");
    script.setTimeConfig(new com.alibaba.schedulerx.common.sdk.common.TimeConfig(com.alibaba.schedulerx.common.sdk.common.TimeConfig.API_TYPE));
    script.setJobMonitorInfo(monitor);
    var createScript = new com.alibaba.schedulerx.common.sdk.request.CreateScriptJobRequest();
    createScript.setScriptJobConfig(script);
    api.ok(createScript);

    com.sun.net.httpserver.HttpServer pong = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    pong.createContext("/ping", ex -> {
      byte[] body = "pong".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    pong.start();
    try {
      var http = new com.alibaba.schedulerx.common.domain.HttpAttribute();
      http.setUrl("http://127.0.0.1:" + pong.getAddress().getPort() + "/ping");
      http.setMethod("GET");
      http.setRespParseMode(3);
      http.setRespStr("pong");
      http.setTimeout(5);
      var httpConfig = new com.alibaba.schedulerx.common.sdk.common.HttpJobConfig(http);
      httpConfig.setName("client-http");
      httpConfig.setExecuteMode("standalone");
      httpConfig.setTimeConfig(new com.alibaba.schedulerx.common.sdk.common.TimeConfig(com.alibaba.schedulerx.common.sdk.common.TimeConfig.API_TYPE));
      httpConfig.setJobMonitorInfo(monitor);
      api.ok(new com.alibaba.schedulerx.common.sdk.request.CreateHttpJobRequest(httpConfig));

      Map<String, Set<String>> shell = outcomes("client-shell");
      Map<String, Set<String>> calls = outcomes("client-http");

      assertThat(shell).containsOnlyKeys("official", "ours");
      assertThat(shell.get("official")).containsExactly("FAILED no space left");
      assertThat(shell.get("ours")).isEqualTo(shell.get("official"));
      assertThat(calls).containsOnlyKeys("official", "ours");
      assertThat(calls.get("official")).containsExactly("SUCCESS pong");
      assertThat(calls.get("ours")).isEqualTo(calls.get("official"));
    } finally {
      pong.stop(0);
    }
  }

  /** Four runs of the job, one after the other; their "STATE result" by the kind of worker that mastered them. */
  private static Map<String, Set<String>> outcomes(String job) {
    Map<String, Set<String>> byKind = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      JsonNode end = server.awaitFinished(server.trigger(job), DEADLINE);
      String kind = officialId.equals(end.path("workerId").asText()) ? "official" : "ours";
      byKind.computeIfAbsent(kind, k -> new java.util.TreeSet<>())
          .add(end.path("state").asText() + " " + end.path("result").asText());
    }
    return byKind;
  }

  private static void upsert(String name, String type, String mode, String script) {
    ObjectNode spec = JSON.createObjectNode().put("group", OurServer.GROUP).put("name", name).put("jobType", type)
        .put("content", script).put("executeMode", mode).put("timeType", "api");
    server.post("/api/v1/jobs", spec.toString());
  }
}
