package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.e2e.Distribution.Daemon;
import dev.schedulerx.e2e.ServerDistribution.PostgresqlSchema;
import dev.schedulerx.e2e.plugins.CountedSum;
import dev.schedulerx.e2e.plugins.TreeSum;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Master resume with separate processes: a server (standalone on H2, or two nodes on PostgreSQL) and three
 * daemons; the master of a running MapReduce is killed with -9 or stopped, or the server's leader dies (with or
 * without the master), and the same instance ends with the exact result. Every execution of a
 * sub-task is counted by the test plugin, so the test sees what ran twice, and what reduce counted.
 */
@Tag("slow")
class MasterResumeEndToEndTest {
  private static final Duration READY = Duration.ofSeconds(90);
  private static final long N = 20_000;
  private static final String GROUP = "resume";
  private static final String KEY = "resume-key";
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final List<Daemon> daemons = new ArrayList<>();
  /** Server processes: one standalone (H2), or the nodes of a PostgreSQL cluster. */
  private final List<Daemon> servers = new ArrayList<>();
  private PostgresqlSchema schema;
  private Path dir;
  private Path runs;
  /** Where daemons join and the test calls the REST API. */
  private int httpPort;

  @BeforeEach
  void workDir() throws Exception {
    dir = Files.createTempDirectory("sx-e2e-resume");
    runs = Files.createDirectories(dir.resolve("runs"));
  }

  @AfterEach
  void stopAll() throws Exception {
    for (Daemon d : daemons) {
      d.close();
    }
    for (Daemon s : servers) {
      s.close();
    }
    if (schema != null) {
      schema.close();
    }
    Distribution.deleteTree(dir);
  }

  /** A standalone server on H2 and three daemons. */
  private void startStandalone() throws Exception {
    httpPort = Distribution.freePort();
    Path serverConf = Files.writeString(dir.resolve("server.conf"), """
        schedulerx-server {
          http-port = %d
          data-dir = "%s"
          worker-timeout = 6s
          groups = [{ namespace = "default", group-id = "%s", app-key = "%s" }]
        }
        """.formatted(httpPort, dir.resolve("server-data"), GROUP, KEY));
    servers.add(Daemon.startServer(serverConf, dir.resolve("server.log"), READY));
    startDaemons();
  }

  /** Two server nodes on one PostgreSQL schema and three daemons joined through the follower; returns the leader. */
  private ServerCluster.Node startCluster() throws Exception {
    schema = PostgresqlSchema.create();
    List<ServerCluster.Node> nodes = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      nodes.add(ServerCluster.startNode(schema, dir, i, GROUP, KEY, READY));
      servers.add(nodes.get(i).server());
    }
    ServerCluster.Node leader = ServerCluster.awaitLeader(nodes, null, GROUP, KEY);
    httpPort = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow().httpPort();
    startDaemons();
    return leader;
  }

  private void startDaemons() throws Exception {
    Path plugins = Distribution.pluginsWithExamples(dir);
    TestPluginJar.write(plugins.resolve("e2e-test-plugins.jar"), CountedSum.class, TreeSum.class);
    for (String name : List.of("a", "b", "c")) {
      Path conf = Files.writeString(dir.resolve(name + ".conf"), """
          schedulerx {
            group-id = "%s"
            app-key = "%s"
            domain = "127.0.0.1:%d"
            server.embedded = false
            plugins-dir = "%s"
            data-dir = "%s"
            worker.heartbeat-interval = 1s
            jobs {
              sum { processor = "CountedSum", execute-mode = grid }
              tree { processor = "TreeSum", execute-mode = grid }
            }
          }
          """.formatted(GROUP, KEY, httpPort, plugins, dir.resolve("data-" + name)));
      daemons.add(Daemon.launch(conf, dir.resolve(name + ".log"), ""));
    }
    for (Daemon d : daemons) {
      d.awaitReady(READY);
    }
  }

  private String serverLogs() {
    StringBuilder all = new StringBuilder();
    servers.forEach(s -> all.append(s.logText()));
    return all.toString();
  }

  @ParameterizedTest(name = "killed at {0}%")
  @ValueSource(ints = {30, 60, 90})
  void aMasterKilledWithSignal9IsReplacedAndTheSameInstanceEndsWithTheExactSum(int percent) throws Exception {
    withLogsOnFailure(() -> {
      startStandalone();
      Run run = start("");
      awaitDone(percent * N / 100);

      run.master().crash();
      long runsAtKill = totalRuns();

      JsonNode done = awaitExactSuccess(run, true);
      long reruns = totalRuns() - N;
      System.out.println("master resume after kill -9 at " + percent + "%: " + runsAtKill + " sub-task runs before the kill, " + reruns + " re-run(s)");
      // at most what was in flight (window 2,048 on each of three workers) and a short unflushed tail
      assertThat(reruns).isLessThanOrEqualTo(3 * 2048 + 2000);
      // found by its closed connection, well before the heartbeat timeout
      assertThat(serverLogs()).contains("worker " + run.masterId() + " of group resume: connection closed and no answer");
      assertThat(heir(done).logText()).contains("resumed at epoch 1 from");
      assertThat(metrics(heir(done))).contains("schedulerx_worker_master_resumes_total 1.0")
          .containsPattern("schedulerx_worker_master_resumed_tasks_total [1-9]");
      assertThat(text("/metrics")).contains("schedulerx_server_master_changes_total{outcome=\"resumed\"} 1.0");
      // the master change, where users look: the instance's own log
      await("the master change in the instance log").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(call("GET", "/api/v1/instances/" + run.id() + "/logs?limit=1000", null).toString())
              .contains("master " + run.masterId() + " lost its connection and does not answer; instance resumed by "
                  + done.path("workerId").asText() + " at epoch 1")
              .contains("resumed at epoch 1 from"));
    });
  }

  @Test
  void aStoppedMasterIsReplacedAndWhenItWakesUpItIsFencedAndChangesNothing() throws Exception {
    withLogsOnFailure(() -> {
      startStandalone();
      Run run = start("");
      awaitDone(N / 3);

      signal("STOP", run.master());
      await("the instance handed to another worker").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> serverLogs().contains("resumed by"));
      signal("CONT", run.master());

      awaitExactSuccess(run, true);
      await("the woken master stopped").atMost(Duration.ofSeconds(20))
          .until(() -> run.master().logText().contains("this master stops at epoch 0"));
      assertThat(run.master().logText()).doesNotContain("instance " + run.id() + " finished");
      // The new master claimed the workers: what the woken one dispatched before it learnt of its successor is
      // refused or dropped there, so re-runs stay within what was in flight and a short unflushed tail.
      assertThat(totalRuns() - N).isLessThanOrEqualTo(3 * 2048 + 2000);
    });
  }

  @Test
  void aLeaderKilledMidInstanceChangesNothingForItsMasterWhichFinishesIt() throws Exception {
    withLogsOnFailure(() -> {
      ServerCluster.Node leader = startCluster();
      Run run = start("");
      awaitDone(N / 3);

      leader.server().crash(); // the master's log appends and final report go to the next leader

      awaitExactSuccess(run, false);
      assertThat(serverLogs()).doesNotContain("resumed by");
    });
  }

  @Test
  void aLeaderAndTheMasterKilledTogetherAreReplacedAndTheNewLeaderResumesTheInstance() throws Exception {
    withLogsOnFailure(() -> {
      ServerCluster.Node leader = startCluster();
      Run run = start("");
      awaitDone(N / 3);

      leader.server().crash();
      run.master().crash();

      awaitExactSuccess(run, true);
    });
  }

  @Test
  void aMasterKilledWhileItsRootIsStillMappingIsResumedAndTheRootMapsAgainWithoutCreatingAnythingTwice() throws Exception {
    withLogsOnFailure(() -> {
      startStandalone();
      Run run = start(",10"); // the root maps in ten calls, 200 ms apart
      await("three of the root's ten map() calls done").atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(runs.resolve("mapped-3")));

      run.master().crash();

      awaitExactSuccess(run, true);
      assertThat(serverLogs()).contains("resumed by");
    });
  }

  @Test
  void aMasterKilledDuringReduceIsResumedAndReduceRunsOnceMoreForTheOneResult() throws Exception {
    withLogsOnFailure(() -> {
      startStandalone();
      Files.writeString(runs.resolve("hold-reduce"), "");
      Run run = start("");
      await("reduce started").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
          .until(() -> reduceStarts() == 1);

      run.master().crash();
      await("reduce started again under the new master").atMost(Duration.ofSeconds(30))
          .until(() -> reduceStarts() == 2);
      Files.delete(runs.resolve("hold-reduce"));

      JsonNode done = awaitExactSuccess(run, true);
      assertThat(totalRuns()).as("every sub-task had finished: none ran again").isEqualTo(N);
      assertThat(heir(done).logText()).contains("reduce had started and runs again");
    });
  }

  @Test
  void aSecondMasterDeathInTheSameInstanceIsResumedAgainAtTheNextEpoch() throws Exception {
    withLogsOnFailure(() -> {
      startStandalone();
      Run run = start("");
      awaitDone(N / 4);

      run.master().crash();
      await("the first hand-over").atMost(Duration.ofSeconds(30)).until(() -> serverLogs().contains("at epoch 1"));
      String second = instance(run.id()).path("workerId").asText();
      awaitDone(N / 2);
      daemons.stream().filter(d -> d.workerId().equals(second)).findFirst().orElseThrow().crash();

      JsonNode done = awaitExactSuccess(run, true);
      assertThat(serverLogs()).contains("master " + second).contains("resumed by " + done.path("workerId").asText() + " at epoch 2");
      assertThat(heir(done).logText()).contains("resumed at epoch 2 from");
    });
  }

  @Test
  void aThreeLevelMapResumedHalfWayCountsEveryLeafOnce() throws Exception {
    withLogsOnFailure(() -> {
      startStandalone();
      Run run = start("tree", "");
      awaitDone(N / 2);

      run.master().crash();

      awaitExactSuccess(run, true);
    });
  }

  private long reduceStarts() throws Exception {
    try (Stream<Path> files = Files.list(runs)) {
      return files.filter(f -> f.getFileName().toString().startsWith("reduce-started-")).count();
    }
  }

  private record Run(long id, String job, String masterId, Daemon master) {}

  /** Runs the job ({@code more}: extra parameters after "N,ms,dir") and returns it once its master is known. */
  private Run start(String more) throws Exception {
    return start("sum", more);
  }

  private Run start(String job, String more) throws Exception {
    String params = N + ",2," + runs + more;
    long id = call("POST", "/api/v1/jobs/" + job + "/run", "{\"parameters\":\"" + params + "\"}").path("instanceId").asLong();
    await("master chosen").atMost(Duration.ofSeconds(20)).until(() -> !instance(id).path("workerId").asText("").isEmpty());
    String master = instance(id).path("workerId").asText();
    Daemon daemon = daemons.stream().filter(d -> d.workerId().equals(master)).findFirst().orElseThrow();
    return new Run(id, job, master, daemon);
  }

  private void awaitDone(long subTasks) {
    await(subTasks + " sub-tasks done").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
        .until(() -> executions().size() >= subTasks);
  }

  /**
   * The same instance and attempt ends SUCCESS (under a new master if {@code resumed}), with every sub-task counted
   * once by one reduce.
   */
  private JsonNode awaitExactSuccess(Run run, boolean resumed) throws Exception {
    await("instance finished").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
        .until(() -> instance(run.id()).path("state").asText().matches("SUCCESS|FAILED|KILLED"));
    JsonNode done = instance(run.id());
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCESS");
    assertThat(done.path("result").asText()).isEqualTo(Long.toString(N * (N + 1) / 2));
    assertThat(done.path("attempt").asInt()).as("the same attempt went on").isZero();
    if (!resumed) {
      assertThat(done.path("workerId").asText()).as("the same master").isEqualTo(run.masterId());
    } else {
      assertThat(done.path("workerId").asText()).as("a new master").isNotEqualTo(run.masterId());
      assertThat(serverLogs()).contains("instance " + run.id() + " of job " + run.job() + ": master " + run.masterId())
          .contains("resumed by " + done.path("workerId").asText() + " at epoch");
    }
    assertThat(call("GET", "/api/v1/jobs/" + run.job() + "/instances", null)).as("no retry instance").hasSize(1);
    assertThat(executions()).as("every sub-task ran").hasSize((int) N);
    assertThat(reduceCounts()).as("reduce ran once and counted each sub-task once").containsExactly(N);
    return done;
  }

  private Daemon heir(JsonNode done) {
    return daemons.stream().filter(d -> d.workerId().equals(done.path("workerId").asText())).findFirst().orElseThrow();
  }

  private static void signal(String signal, Daemon daemon) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(daemon.process.pid())).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
  }

  private long totalRuns() throws Exception {
    return executions().values().stream().mapToLong(Long::longValue).sum();
  }

  private interface Scenario {
    void run() throws Exception;
  }

  private void withLogsOnFailure(Scenario scenario) throws Exception {
    try {
      scenario.run();
    } catch (AssertionError | RuntimeException e) {
      System.err.println("---- server log:\n" + serverLogs());
      for (Daemon d : daemons) {
        System.err.println("---- " + d.log.getFileName() + ":\n" + d.logText());
      }
      throw e;
    }
  }

  /** How often each sub-task value ran, over every daemon. */
  private Map<Long, Long> executions() throws Exception {
    Map<Long, Long> counts = new HashMap<>();
    try (Stream<Path> files = Files.list(runs)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("runs-")).toList()) {
        for (String line : Files.readAllLines(f)) {
          if (!line.isBlank()) {
            counts.merge(Long.parseLong(line.trim()), 1L, Long::sum);
          }
        }
      }
    }
    return counts;
  }

  private List<Long> reduceCounts() throws Exception {
    List<Long> counts = new ArrayList<>();
    try (Stream<Path> files = Files.list(runs)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("reduce-")).toList()) {
        Files.readAllLines(f).stream().filter(l -> !l.isBlank()).forEach(l -> counts.add(Long.parseLong(l.trim())));
      }
    }
    return counts;
  }

  /** A daemon's Prometheus text, from the /metrics listener its ready line names. */
  private String metrics(Daemon daemon) throws Exception {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("/metrics on (http://\\S+?)\\)").matcher(daemon.logText());
    assertThat(m.find()).as("metrics address in " + daemon.log).isTrue();
    return http.send(HttpRequest.newBuilder(URI.create(m.group(1) + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** A GET on the server, as text. */
  private String text(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private JsonNode instance(long id) throws Exception {
    return call("GET", "/api/v1/instances/" + id, null);
  }

  private JsonNode call(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path));
    b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
        : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    return json.readTree(http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body());
  }
}
