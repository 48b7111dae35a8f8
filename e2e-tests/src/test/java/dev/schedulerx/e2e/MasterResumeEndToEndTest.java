package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.e2e.Distribution.Daemon;
import dev.schedulerx.e2e.plugins.CountedSum;
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

/**
 * Master resume with separate processes: a standalone server and three daemons; the master of a running
 * MapReduce is killed with -9 and another daemon carries the same instance on from the log. Every execution of a
 * sub-task is counted by the test plugin, so the test sees what ran twice, and what reduce counted.
 */
@Tag("slow")
class MasterResumeEndToEndTest {
  private static final Duration READY = Duration.ofSeconds(90);
  private static final long N = 20_000;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final List<Daemon> daemons = new ArrayList<>();
  private Daemon server;
  private Path dir;
  private Path runs;
  private int httpPort;

  @BeforeEach
  void startServerAndThreeDaemons() throws Exception {
    dir = Files.createTempDirectory("sx-e2e-resume");
    runs = Files.createDirectories(dir.resolve("runs"));
    httpPort = Distribution.freePort();
    Path serverConf = Files.writeString(dir.resolve("server.conf"), """
        schedulerx-server {
          http-port = %d
          data-dir = "%s"
          worker-timeout = 6s
          groups = [{ namespace = "default", group-id = "resume", app-key = "resume-key" }]
        }
        """.formatted(httpPort, dir.resolve("server-data")));
    server = Daemon.startServer(serverConf, dir.resolve("server.log"), READY);
    Path plugins = Distribution.pluginsWithExamples(dir);
    TestPluginJar.write(plugins.resolve("e2e-test-plugins.jar"), CountedSum.class);
    for (String name : List.of("a", "b", "c")) {
      Path conf = Files.writeString(dir.resolve(name + ".conf"), """
          schedulerx {
            group-id = "resume"
            app-key = "resume-key"
            domain = "127.0.0.1:%d"
            server.embedded = false
            plugins-dir = "%s"
            data-dir = "%s"
            worker.heartbeat-interval = 1s
            jobs { sum { processor = "CountedSum", execute-mode = grid } }
          }
          """.formatted(httpPort, plugins, dir.resolve("data-" + name)));
      daemons.add(Daemon.launch(conf, dir.resolve(name + ".log"), ""));
    }
    for (Daemon d : daemons) {
      d.awaitReady(READY);
    }
  }

  @AfterEach
  void stopAll() throws Exception {
    for (Daemon d : daemons) {
      d.close();
    }
    if (server != null) {
      server.close();
    }
    Distribution.deleteTree(dir);
  }

  @Test
  void aMasterKilledWithSignal9IsReplacedAndTheSameInstanceEndsWithTheExactSum() throws Exception {
    withLogsOnFailure(() -> {
      Run run = startAndAwaitAThirdDone();

      run.master().crash();
      long runsAtKill = totalRuns();

      JsonNode done = awaitExactSuccess(run);
      long reruns = totalRuns() - N;
      System.out.println("master resume after kill -9: " + runsAtKill + " sub-task runs before the kill, " + reruns + " re-run(s)");
      // at most what was in flight (window 2,048 on each of three workers) and a short unflushed tail
      assertThat(reruns).isLessThanOrEqualTo(3 * 2048 + 2000);
      // found by its closed connection, well before the heartbeat timeout
      assertThat(server.logText()).contains("worker " + run.masterId() + " of group resume: connection closed and no answer");
      assertThat(heir(done).logText()).contains("resumed at epoch 1 from");
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
      Run run = startAndAwaitAThirdDone();

      signal("STOP", run.master());
      await("the instance handed to another worker").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> server.logText().contains("resumed by"));
      signal("CONT", run.master());

      awaitExactSuccess(run);
      await("the woken master stopped").atMost(Duration.ofSeconds(20))
          .until(() -> run.master().logText().contains("this master stops at epoch 0"));
      assertThat(run.master().logText()).doesNotContain("instance " + run.id() + " finished");
    });
  }

  private record Run(long id, String masterId, Daemon master) {}

  private Run startAndAwaitAThirdDone() throws Exception {
    long id = call("POST", "/api/v1/jobs/sum/run", "{\"parameters\":\"" + N + ",2," + runs + "\"}").path("instanceId").asLong();
    await("master chosen").atMost(Duration.ofSeconds(20)).until(() -> !instance(id).path("workerId").asText("").isEmpty());
    String master = instance(id).path("workerId").asText();
    Daemon daemon = daemons.stream().filter(d -> d.workerId().equals(master)).findFirst().orElseThrow();
    await("a third of the sub-tasks done").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .until(() -> executions().size() >= N / 3);
    return new Run(id, master, daemon);
  }

  /** The same instance and attempt ends SUCCESS under a new master, with every sub-task counted once by one reduce. */
  private JsonNode awaitExactSuccess(Run run) throws Exception {
    await("instance finished").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
        .until(() -> instance(run.id()).path("state").asText().matches("SUCCESS|FAILED|KILLED"));
    JsonNode done = instance(run.id());
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCESS");
    assertThat(done.path("result").asText()).isEqualTo(Long.toString(N * (N + 1) / 2));
    assertThat(done.path("attempt").asInt()).as("the same attempt went on").isZero();
    assertThat(done.path("workerId").asText()).as("a new master").isNotEqualTo(run.masterId());
    assertThat(call("GET", "/api/v1/jobs/sum/instances", null)).as("no retry instance").hasSize(1);
    assertThat(executions()).as("every sub-task ran").hasSize((int) N);
    assertThat(reduceCounts()).as("reduce ran once and counted each sub-task once").containsExactly(N);
    assertThat(server.logText()).contains("instance " + run.id() + " of job sum: master " + run.masterId())
        .contains("resumed by " + done.path("workerId").asText() + " at epoch 1");
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
      System.err.println("---- server log:\n" + server.logText());
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
