package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.e2e.Distribution.CliResult;
import dev.schedulerx.e2e.Distribution.Daemon;
import dev.schedulerx.e2e.plugins.FlakyMap;
import dev.schedulerx.e2e.plugins.HangingMap;
import dev.schedulerx.e2e.plugins.SlowSum;
import dev.schedulerx.e2e.plugins.TwoLevelSum;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three daemons as separate JVMs, the first hosting the embedded server, the other two joining it: the
 * example broadcast, Map and MapReduce jobs spread over all three, kill, and a worker killed with -9.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedEndToEndTest {
  static Path dir;
  static Path conf;
  static int httpPort;
  static final List<Daemon> daemons = new ArrayList<>();
  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void startThreeDaemons() throws Exception {
    dir = Files.createTempDirectory("sx-e2e-dist");
    Path plugins = Distribution.pluginsWithExamples(dir);
    TestPluginJar.write(plugins.resolve("e2e-test-plugins.jar"), SlowSum.class, HangingMap.class, TwoLevelSum.class, FlakyMap.class);
    httpPort = Distribution.freePort();
    conf = dir.resolve("worker.conf");
    Files.writeString(conf, """
        schedulerx {
          group-id = "dist"
          app-key = "dist-key"
          plugins-dir = "%s"
          data-dir = "%s"
          server.http-port = %d
          jobs {
            broadcast { processor = "TestBroadcast", execute-mode = broadcast }
            map { processor = "TestMapJob", execute-mode = grid }
            mapreduce { processor = "TestMapReduceJob", execute-mode = grid }
            slowsum { processor = "SlowSum", execute-mode = grid }
            hang { processor = "HangingMap", execute-mode = grid }
            twolevel { processor = "TwoLevelSum", execute-mode = grid }
            flaky { processor = "FlakyMap", execute-mode = grid, task-max-attempt = 1, task-attempt-interval = 0s }
            flaky-no-retry { processor = "FlakyMap", execute-mode = grid }
          }
        }
        """.formatted(plugins, dir.resolve("data"), httpPort));
    daemons.add(Daemon.start(conf, dir.resolve("a.log"), Duration.ofSeconds(90)));
    String join = ServerDistribution.joining(httpPort);
    Daemon b = Daemon.launch(conf, dir.resolve("b.log"), join);
    Daemon c = Daemon.launch(conf, dir.resolve("c.log"), join);
    daemons.add(b);
    daemons.add(c);
    b.awaitReady(Duration.ofSeconds(90));
    c.awaitReady(Duration.ofSeconds(90));
  }

  @AfterAll
  static void stopAll() throws Exception {
    for (Daemon d : daemons) {
      d.close();
    }
    Distribution.deleteTree(dir);
  }

  private static CliResult cli(String... args) {
    return Distribution.cli(conf, Duration.ofSeconds(120), args);
  }

  private static JsonNode instance(long id) throws Exception {
    return json.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/v1/instances/" + id)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  private static JsonNode workerProgress(long id) throws Exception {
    return json.readTree(instance(id).path("progress").asText("{}")).path("workerProgress");
  }

  private static long instanceId(CliResult r) {
    Matcher m = Pattern.compile("instance (\\d+) of job").matcher(r.out());
    assertThat(m.find()).as(r.out() + r.err()).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  @Order(1)
  void broadcastRunsOnEveryWorkerAndPostProcessSumsTheirResults() throws Exception {
    CliResult r = cli("run", "broadcast", "--wait");

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    Matcher m = Pattern.compile("SUCCESS (\\d+) (\\d+)").matcher(r.lastLine());
    assertThat(m.matches()).as(r.lastLine()).isTrue();
    assertThat(Integer.parseInt(m.group(2))).isBetween(0, 27);
    JsonNode workers = workerProgress(Long.parseLong(m.group(1)));
    assertThat(workers).hasSize(3);
    workers.forEach(w -> assertThat(w.path("success").asInt()).as(w.toString()).isEqualTo(1));
  }

  @Test
  @Order(2)
  void mapWithAFailingSubTaskFailsAndSaysHowMany() {
    CliResult r = cli("run", "map", "--params", "100", "--wait");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.lastLine()).matches("FAILED \\d+ 1 of 100 sub-tasks failed \\(first task 5: id_5\\)");
  }

  @Test
  @Order(3)
  void mapReduceSumsExactlyWithSubTasksOnAllThreeWorkers() throws Exception {
    CliResult r = cli("run", "mapreduce", "--params", "1000", "--wait");

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.lastLine()).matches("SUCCESS \\d+ 500500");
    assertThat(r.out()).contains("tasks 1001 total, 0 running, 1001 succeeded, 0 failed, on 3 worker(s)");
    JsonNode workers = workerProgress(instanceId(r));
    assertThat(workers).hasSize(3);
    long total = 0;
    for (JsonNode w : workers) {
      assertThat(w.path("success").asLong()).as("sub-tasks on " + w.path("workerAddr").asText()).isPositive();
      total += w.path("success").asLong();
    }
    assertThat(total).isEqualTo(1001); // 1000 sub-tasks and the root
  }

  @Test
  @Order(4)
  void subTasksMayMapAgainAndTheReduceSeesEveryLeaf() {
    CliResult r = cli("run", "twolevel", "--wait");

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.lastLine()).matches("SUCCESS \\d+ 500500");
  }

  @Test
  @Order(5)
  void subTasksAreRetriedAsTheJobSays() {
    CliResult withRetry = cli("run", "flaky", "--wait");
    CliResult without = cli("run", "flaky-no-retry", "--wait");

    assertThat(withRetry.lastLine()).matches("SUCCESS \\d+ 20 sub-tasks succeeded");
    assertThat(without.lastLine()).matches("FAILED \\d+ 20 of 20 sub-tasks failed \\(first task \\d+: first attempt fails\\)");
  }

  @Test
  @Order(6)
  void killStopsEverySubTaskOnEveryWorkerWithinTwoSeconds() throws Exception {
    long id = instanceId(cli("run", "hang", "--params", "24"));
    await("24 hanging sub-tasks started").atMost(Duration.ofSeconds(30)).until(() -> count("hang task \\d+ started") == 24);
    for (Daemon d : daemons) {
      assertThat(countIn(d, "hang task \\d+ started")).as("sub-tasks on " + d.log.getFileName()).isPositive();
    }

    CliResult kill = cli("kill", Long.toString(id));
    Instant killed = Instant.now();

    assertThat(kill.exitCode()).as(kill.out() + kill.err()).isZero();
    await("every hanging sub-task interrupted").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
        .until(() -> count("hang task \\d+ interrupted") == 24);
    assertThat(Duration.between(killed, Instant.now())).isLessThan(Duration.ofSeconds(2));
    assertThat(instance(id).path("state").asText()).isEqualTo("KILLED");
    assertThat(count("kill hook of instance " + id)).isGreaterThanOrEqualTo(3);
  }

  @Test
  @Order(7)
  void aWorkerKilledWithSignal9HalfwayLeavesTheReduceExact() throws Exception {
    long id = instanceId(cli("run", "slowsum", "--params", "30000,5"));
    await("master chosen").atMost(Duration.ofSeconds(10)).until(() -> !instance(id).path("workerId").asText("").isEmpty());
    String master = instance(id).path("workerId").asText();
    Daemon victim = daemons.subList(1, 3).stream().filter(d -> !d.workerId().equals(master)).findFirst().orElseThrow();
    await("a third of the sub-tasks done").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      long done = 0;
      for (JsonNode w : workerProgress(id)) {
        done += w.path("success").asLong();
      }
      return done >= 10_000;
    });

    victim.crash();

    await("instance finished").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .until(() -> instance(id).path("state").asText().matches("SUCCESS|FAILED|KILLED"));
    JsonNode done = instance(id);
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCESS");
    assertThat(done.path("result").asText()).isEqualTo(Long.toString(30000L * 30001L / 2));
    assertThat(daemons.get(0).logText() + daemons.get(1).logText() + daemons.get(2).logText())
        .contains("unfinished task(s) go to the remaining");
  }

  private static long count(String regex) {
    return daemons.stream().mapToLong(d -> countIn(d, regex)).sum();
  }

  private static long countIn(Daemon d, String regex) {
    return Pattern.compile(regex).matcher(d.logText()).results().count();
  }
}
