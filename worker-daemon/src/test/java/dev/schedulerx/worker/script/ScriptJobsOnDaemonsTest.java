package dev.schedulerx.worker.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.it.TestDaemons;
import dev.schedulerx.worker.it.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduler server and worker daemons in this JVM, talking over real remoting: script jobs created through
 * the REST API run on the daemons, their output arrives in the instance log, and kill and timeout leave no
 * process behind.
 */
class ScriptJobsOnDaemonsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "scripts-t0ken";
  private static final Pattern PID = Pattern.compile("(?:me|child) (\\d+)");

  @TempDir Path dir;
  private TestServer server;
  private final List<WorkerDaemon> daemons = new ArrayList<>();

  @AfterEach
  void stop() {
    daemons.forEach(WorkerDaemon::close);
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aBroadcastShellJobRunsOnEveryDaemonWithEachOnesOutputInTheLog() throws Exception {
    server = TestServer.inMemoryWithToken(TOKEN);
    WorkerDaemon a = start("a", true);
    WorkerDaemon b = start("b", true);
    a.awaitReady(DEADLINE);
    b.awaitReady(DEADLINE);
    upsert("disk", "broadcast", "echo \"checked $1 on task $SCHEDULERX_TASK_ID\"; echo done", 0);

    long id = server.trigger("disk", "nightly run");
    JsonNode end = server.awaitFinished(id, DEADLINE);

    assertThat(end.path("state").asText()).isEqualTo("SUCCESS");
    await().atMost(DEADLINE).until(() -> logs(id).size() >= 4);
    List<JsonNode> output = logs(id).stream().filter(l -> l.path("logger").asText().equals("script")).toList();
    assertThat(output).hasSize(4);
    assertThat(output).extracting(l -> l.path("worker").asText()).containsOnly(a.workerId(), b.workerId())
        .contains(a.workerId(), b.workerId());
    assertThat(output).extracting(l -> l.path("message").asText())
        .filteredOn(m -> m.startsWith("checked")).allMatch(m -> m.matches("checked run on task \\d+"));
  }

  @Test
  void aNonZeroExitFailsTheInstanceWithTheLastLine() throws Exception {
    server = TestServer.inMemoryWithToken(TOKEN);
    start("a", true).awaitReady(DEADLINE);
    upsert("backup", "standalone", "echo copying; echo 'rsync: connection refused' >&2; exit 12", 0);

    long id = server.trigger("backup", "");
    JsonNode end = server.awaitFinished(id, DEADLINE);

    assertThat(end.path("state").asText()).isEqualTo("FAILED");
    assertThat(end.path("result").asText()).isEqualTo("rsync: connection refused");
    await().atMost(DEADLINE).until(() -> messages(id).contains("rsync: connection refused"));
    assertThat(messages(id)).containsSubsequence("copying", "rsync: connection refused");
  }

  @Test
  void aKillFromTheServerStopsTheScriptAndEverythingItStarted() throws Exception {
    server = TestServer.inMemoryWithToken(TOKEN);
    start("a", true).awaitReady(DEADLINE);
    upsert("forever", "standalone", "echo \"me $$\"; sleep 600 & echo \"child $!\"; wait", 0);
    long id = server.trigger("forever", "");
    List<Long> pids = awaitPids(id);

    server.call("POST", "/api/v1/instances/" + id + "/kill", "{}");
    JsonNode end = server.awaitFinished(id, DEADLINE);

    assertThat(end.path("state").asText()).isIn("KILLED", "FAILED");
    await().atMost(DEADLINE).untilAsserted(() ->
        assertThat(pids).allSatisfy(pid -> assertThat(ScriptProcessorTest.alive(pid)).as("pid %d", pid).isFalse()));
  }

  @Test
  void aTimeoutStopsAScriptThatIgnoresSigterm() throws Exception {
    server = TestServer.inMemoryWithToken(TOKEN);
    start("a", true).awaitReady(DEADLINE);
    upsert("stuck", "standalone", "trap '' TERM; echo \"me $$\"; sleep 600 & echo \"child $!\"; while :; do sleep 0.1; done", 1);
    long id = server.trigger("stuck", "");
    List<Long> pids = awaitPids(id);

    JsonNode end = server.awaitFinished(id, DEADLINE);

    assertThat(end.path("state").asText()).isEqualTo("FAILED");
    assertThat(end.path("result").asText()).startsWith("timeout");
    await().atMost(DEADLINE).untilAsserted(() ->
        assertThat(pids).allSatisfy(pid -> assertThat(ScriptProcessorTest.alive(pid)).as("pid %d", pid).isFalse()));
  }

  @Test
  void aDaemonWithScriptsOffRefusesNamingTheSetting() throws Exception {
    server = TestServer.inMemoryWithToken(TOKEN);
    start("off", false).awaitReady(DEADLINE);
    upsert("touch", "standalone", "touch " + dir.resolve("ran"), 0);

    long id = server.trigger("touch", "");
    JsonNode end = server.awaitFinished(id, DEADLINE);

    assertThat(end.path("state").asText()).isEqualTo("FAILED");
    assertThat(end.path("result").asText()).contains("script jobs are disabled", "set schedulerx.worker.scripts.enabled = true");
    assertThat(dir.resolve("ran")).doesNotExist();
  }

  @Test
  void aServerWithoutApiTokenRefusesScriptJobs() throws Exception {
    server = TestServer.inMemory();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> upsert("sneaky", "standalone", "id", 0))
        .hasMessageContaining("answered 403")
        .hasMessageContaining("shell jobs are accepted only from authenticated callers: set schedulerx.server.api-token");
    server.upsertJob("plain", "HelloWorld", ""); // java jobs stay open, as the whole API is without a token
  }

  private void upsert(String name, String mode, String script, int timeoutSeconds) throws Exception {
    Map<String, Object> job = new HashMap<>(Map.of("group", TestServer.GROUP, "name", name, "jobType", "shell",
        "content", script, "executeMode", mode));
    if (timeoutSeconds > 0) {
      job.put("timeout", timeoutSeconds);
    }
    server.call("POST", "/api/v1/jobs", JSON.writeValueAsString(job));
  }

  private WorkerDaemon start(String name, boolean scripts) {
    Path home = dir.resolve(name);
    WorkerDaemon daemon = WorkerDaemon.builder(TestDaemons.settings(server.domain(), TestServer.APP_KEY, home,
        Map.of("worker.scripts.enabled", scripts, "worker.scripts.kill-grace", "500ms", "api-token", TOKEN))).pluginSource(List::of).build().start();
    daemons.add(daemon);
    return daemon;
  }

  private List<Long> awaitPids(long id) {
    return await().atMost(DEADLINE).until(() -> messages(id).stream().map(PID::matcher).filter(Matcher::matches)
        .map(m -> Long.parseLong(m.group(1))).toList(), l -> l.size() == 2);
  }

  private List<String> messages(long id) throws Exception {
    return logs(id).stream().map(l -> l.path("message").asText()).toList();
  }

  private List<JsonNode> logs(long id) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + server.domain()
        + "/api/v1/instances/" + id + "/logs?limit=1000")).header("Authorization", "Bearer " + TOKEN)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    List<JsonNode> lines = new ArrayList<>();
    JSON.readTree(response.body()).path("lines").forEach(lines::add);
    return lines;
  }
}
