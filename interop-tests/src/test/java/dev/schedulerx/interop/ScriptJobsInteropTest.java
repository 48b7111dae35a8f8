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
  private static final String TOKEN = "interop-token";

  @TempDir static Path dir;
  private static OurServer server;
  private static Processes official;
  private static Processes daemon;
  private static String officialId;

  @BeforeAll
  static void start() throws Exception {
    server = OurServer.withToken(dir, TOKEN);
    official = OfficialWorkerProcess.launch("official worker", server.domain(),
        Files.createDirectories(dir.resolve("official")).resolve("worker.log"), "256m");
    daemon = OurDaemonProcess.launch("daemon", server.domain(), dir.resolve("daemon"), "256m",
        "worker.scripts.enabled = true\n          worker.http-jobs.enabled = true\n          api-token = \"" + TOKEN + "\"",
        DaemonSum.class); // the token: the daemon ships script output to the instance log through the API
    OfficialWorkerProcess.awaitStarted(official);
    OurDaemonProcess.awaitReady(daemon);
    await("two workers registered").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
        .until(() -> server.workers().size() == 2);
    officialId = server.workers().stream().filter(OfficialWorkerProcess::isOfficial)
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

  /**
   * The official worker hands each output line of a script to its log collector (SLS in the cloud; here {@code
   * LineFileLogCollector}, set through the worker's {@code log.collector.type}); ours sends them to the instance's
   * log on the server. The same script gives the same lines in the same order, with the same status and result
   * (its last line).
   */
  @Test
  void theSameShellScriptLogsTheSameLinesOnTheOfficialWorkerAndOnOurs() throws Exception {
    upsert("shell-logs", "shell", "standalone",
        "echo \"step one\"; echo \"step two: $((3*4))\"; echo \"warning: disk 91% full\" >&2; echo \"done | ok\"; exit 5");

    Map<String, List<JsonNode>> runs = runs("shell-logs");

    assertThat(runs).containsOnlyKeys("official", "ours");
    List<String> expected = List.of("step one", "step two: 12", "warning: disk 91% full", "done | ok");
    // Each kind brackets the script's lines with one of its own before and after (the submit and the end).
    for (JsonNode run : runs.get("official")) {
      long id = run.path("id").asLong();
      assertThat(run.path("state").asText() + " " + run.path("result").asText()).isEqualTo("FAILED done | ok");
      await("official worker's log lines of instance " + id).atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
          .until(() -> officialLines(id).size() >= expected.size() + 2);
      assertScriptLines("official worker, instance " + id, officialLines(id), expected,
          "submit jobInstance success.*", "instance finished, final status is:failed");
    }
    for (JsonNode run : runs.get("ours")) {
      long id = run.path("id").asLong();
      assertThat(run.path("state").asText() + " " + run.path("result").asText()).isEqualTo("FAILED done | ok");
      await("our log lines of instance " + id).atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
          .until(() -> ourLines(id).size() >= expected.size() + 2);
      assertScriptLines("our daemon, instance " + id, ourLines(id), expected,
          "shell script started as pid \\d+ \\(/bin/sh\\)", "shell script pid \\d+ exited with code 5 after \\d+ ms");
    }
  }

  private static void assertScriptLines(String who, List<String> lines, List<String> script, String first, String last) {
    assertThat(lines).as(who).hasSize(script.size() + 2);
    assertThat(lines.get(0)).as(who).matches(first);
    assertThat(lines.subList(1, lines.size() - 1)).as(who).isEqualTo(script);
    assertThat(lines.get(lines.size() - 1)).as(who).matches(last);
  }

  /**
   * The lines the official worker's log collector got for an instance, in order: its own under uniqueId {@code
   * jobId_instanceId}, the script's under {@code jobId_instanceId_taskId}.
   */
  private static List<String> officialLines(long instanceId) throws java.io.IOException {
    Path collected = dir.resolve("official/collected-lines.txt");
    if (!Files.exists(collected)) {
      return List.of();
    }
    List<String> lines = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(collected)) {
      String[] idAndLine = line.split("\t", 2);
      String[] id = idAndLine[0].split("_");
      if (idAndLine.length == 2 && id.length >= 2 && id[1].equals(Long.toString(instanceId))) {
        lines.add(idAndLine[1]);
      }
    }
    return lines;
  }

  /** The lines of an instance's log on our server, in order. */
  private static List<String> ourLines(long instanceId) {
    List<String> lines = new java.util.ArrayList<>();
    server.get("/api/v1/instances/" + instanceId + "/logs").path("lines").forEach(l -> lines.add(l.path("message").asText()));
    return lines;
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
    runs(job).forEach((kind, ends) -> ends.forEach(end -> byKind.computeIfAbsent(kind, k -> new java.util.TreeSet<>())
        .add(end.path("state").asText() + " " + end.path("result").asText())));
    return byKind;
  }

  /** Four runs of the job, one after the other, ended, by the kind of worker that mastered them. */
  private static Map<String, List<JsonNode>> runs(String job) {
    Map<String, List<JsonNode>> byKind = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      JsonNode end = server.awaitFinished(server.trigger(job), DEADLINE);
      String kind = officialId.equals(end.path("workerId").asText()) ? "official" : "ours";
      byKind.computeIfAbsent(kind, k -> new java.util.ArrayList<>()).add(end);
    }
    return byKind;
  }

  private static void upsert(String name, String type, String mode, String script) {
    ObjectNode spec = JSON.createObjectNode().put("group", OurServer.GROUP).put("name", name).put("jobType", type)
        .put("content", script).put("executeMode", mode).put("timeType", "api");
    server.post("/api/v1/jobs", spec.toString());
  }
}
