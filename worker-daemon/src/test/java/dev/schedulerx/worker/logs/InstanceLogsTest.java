package dev.schedulerx.worker.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.config.WorkerSettings;
import dev.schedulerx.worker.it.TestDaemons;
import dev.schedulerx.worker.it.TestServer;
import dev.schedulerx.worker.logs.testplugins.LoggingMapProcessor;
import dev.schedulerx.worker.logs.testplugins.LoggingShardProcessor;
import dev.schedulerx.worker.plugin.PluginUnit;
import dev.schedulerx.worker.testing.PluginJars;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two worker daemons and a scheduler server in this JVM: a Map job whose processor logs through SLF4J runs on
 * both, and {@code GET /api/v1/instances/{id}/logs} returns every line once, with the task id and worker that
 * wrote it.
 */
class InstanceLogsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final Pattern SUB_TASK = Pattern.compile("sub-task (\\d+) got value (\\d+)");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

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
  void processorLinesOfEveryWorkerArriveOnceWithTheirTaskIds() throws Exception {
    server = TestServer.inMemory();
    WorkerDaemon first = start("a");
    WorkerDaemon second = startReady("b", first);
    server.upsertJob("logmap", "LoggingMap", "\"executeMode\":\"grid\",\"parameters\":\"40\"");

    long id = server.trigger("logmap", "");
    assertThat(server.awaitFinished(id, DEADLINE).path("state").asText()).isEqualTo("SUCCESS");

    // the root line plus one per sub-task; shipping runs every 50 ms after the instance ended
    await().atMost(DEADLINE).until(() -> readAll(id).size() >= 41);
    List<JsonNode> lines = readAll(id);
    assertThat(lines).hasSize(41);
    // Each worker ships on its own clock: the master's root line need not come first.
    List<JsonNode> root = lines.stream().filter(l -> l.path("taskId").asLong() == 0).toList();
    assertThat(root).hasSize(1);
    assertThat(root.get(0).path("message").asText()).isEqualTo("root task 0 maps 40 values");
    Set<String> values = new HashSet<>();
    Set<String> workers = new HashSet<>();
    for (JsonNode line : lines.stream().filter(l -> l.path("taskId").asLong() != 0).toList()) {
      Matcher m = SUB_TASK.matcher(line.path("message").asText());
      assertThat(m.matches()).as(line.toString()).isTrue();
      assertThat(line.path("taskId").asText()).isEqualTo(m.group(1));
      assertThat(line.path("level").asText()).isEqualTo("INFO");
      assertThat(line.path("logger").asText()).isEqualTo(LoggingMapProcessor.class.getName());
      assertThat(line.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
      values.add(m.group(2));
      workers.add(line.path("worker").asText());
    }
    assertThat(values).hasSize(40);
    assertThat(workers).isSubsetOf(first.workerId(), second.workerId());
    assertThat(workers).as("sub-tasks ran on both workers").hasSize(2);
    assertThat(lines).extracting(l -> l.path("seq").asLong()).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aShardingJobRunsEveryShardOnceOverBothWorkersWithItsParameter() throws Exception {
    server = TestServer.inMemory();
    WorkerDaemon first = start("a");
    WorkerDaemon second = startReady("b", first);
    String cities = "0=Beijing,1=Hangzhou,2=Shanghai,3=Shenzhen,4=Chengdu,5=Wuhan,6=Nanjing,7=Suzhou";
    server.upsertJob("cities", "LoggingShard", "\"executeMode\":\"sharding\",\"parameters\":\"" + cities + "\"");

    long id = server.trigger("cities", "");
    JsonNode end = server.awaitFinished(id, DEADLINE);

    assertThat(end.path("state").asText()).isEqualTo("SUCCESS");
    assertThat(end.path("result").asText()).isEqualTo("8 shards succeeded");
    await().atMost(DEADLINE).until(() -> readAll(id).size() >= 8);
    List<JsonNode> lines = readAll(id);
    assertThat(lines).extracting(l -> l.path("message").asText()).containsExactlyInAnyOrder(
        "shard 0 of 8: Beijing", "shard 1 of 8: Hangzhou", "shard 2 of 8: Shanghai", "shard 3 of 8: Shenzhen",
        "shard 4 of 8: Chengdu", "shard 5 of 8: Wuhan", "shard 6 of 8: Nanjing", "shard 7 of 8: Suzhou");
    assertThat(lines).extracting(l -> l.path("worker").asText()).as("shards ran on both workers")
        .containsOnly(first.workerId(), second.workerId()).contains(first.workerId(), second.workerId());
  }

  @Test
  void theReadApiPagesWithNextAndRefusesUnknownInstancesAndBadLimits() throws Exception {
    server = TestServer.inMemory();
    WorkerDaemon daemon = start("a");
    daemon.awaitReady(DEADLINE);
    server.upsertJob("logmap", "LoggingMap", "\"executeMode\":\"grid\",\"parameters\":\"3\"");
    long id = server.trigger("logmap", "");
    await().atMost(DEADLINE).until(() -> readAll(id).size() >= 4);

    JsonNode page = JSON.readTree(get("/api/v1/instances/" + id + "/logs?limit=3").body());
    assertThat(page.path("lines")).hasSize(3);
    assertThat(page.path("next").asLong()).isEqualTo(page.path("lines").get(2).path("seq").asLong());
    JsonNode rest = JSON.readTree(get("/api/v1/instances/" + id + "/logs?after=" + page.path("next").asLong()).body());
    assertThat(rest.path("lines")).hasSize(1);
    JsonNode end = JSON.readTree(get("/api/v1/instances/" + id + "/logs?after=" + rest.path("next").asLong()).body());
    assertThat(end.path("lines")).isEmpty();
    assertThat(end.path("next").asLong()).isEqualTo(rest.path("next").asLong());

    HttpResponse<String> unknown = get("/api/v1/instances/987654321/logs");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("no instance 987654321");
    HttpResponse<String> badLimit = get("/api/v1/instances/" + id + "/logs?limit=0");
    assertThat(badLimit.statusCode()).isEqualTo(400);
    assertThat(badLimit.body()).contains("limit");
  }

  /** Starts a second daemon and waits until both it and {@code first} are ready. */
  private WorkerDaemon startReady(String name, WorkerDaemon first) throws Exception {
    WorkerDaemon second = start(name);
    first.awaitReady(DEADLINE);
    second.awaitReady(DEADLINE);
    return second;
  }

  private WorkerDaemon start(String name) throws Exception {
    Path home = dir.resolve(name);
    WorkerSettings settings =
        TestDaemons.settings(server.domain(), TestServer.APP_KEY, home, Map.of());
    List<PluginUnit> units =
        List.of(PluginUnit.of(PluginJars.write(home.resolve("plugins/logging.jar"),
            List.of(LoggingMapProcessor.class, LoggingShardProcessor.class))));
    WorkerDaemon daemon = WorkerDaemon.builder(settings).pluginSource(() -> units).build().start();
    daemons.add(daemon);
    return daemon;
  }

  private List<JsonNode> readAll(long id) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    long after = 0;
    while (true) {
      JsonNode page = JSON.readTree(get("/api/v1/instances/" + id + "/logs?after=" + after + "&limit=7").body());
      page.path("lines").forEach(lines::add);
      if (page.path("lines").isEmpty()) {
        return lines;
      }
      after = page.path("next").asLong();
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + server.domain() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
