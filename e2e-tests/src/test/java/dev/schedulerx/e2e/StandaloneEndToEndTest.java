package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.e2e.Distribution.CliResult;
import dev.schedulerx.e2e.Distribution.Daemon;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton as a user meets it: one daemon started through bin/schedulerx-worker with the
 * embedded server and the examples plugin (plus a corrupt JAR), driven by the CLI in other processes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneEndToEndTest {
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);

  static Path dir;
  static Path conf;
  static int httpPort;
  static Daemon daemon;

  @BeforeAll
  static void startDaemon() throws Exception {
    dir = Files.createTempDirectory("sx-e2e");
    Path plugins = Distribution.pluginsWithExamples(dir);
    Files.write(plugins.resolve("broken.jar"), "this is not a zip file".getBytes());
    httpPort = Distribution.freePort();
    conf = dir.resolve("worker.conf");
    Files.writeString(conf, """
        schedulerx {
          group-id = "e2e"
          app-key = "e2e-key"
          api-token = "e2e-token"
          plugins-dir = "%s"
          data-dir = "%s"
          server.http-port = %d
          jobs {
            hello { processor = "HelloWorld", time-type = api }
            every-2s { processor = "HelloWorld", time-type = cron, time-expression = "*/2 * * * * ?", parameters = "cron" }
            missing { processor = "NoSuchProcessor", time-type = api }
          }
        }
        """.formatted(plugins, dir.resolve("data"), httpPort));
    daemon = Daemon.start(conf, dir.resolve("daemon.log"), Duration.ofSeconds(90));
  }

  @AfterAll
  static void stopDaemon() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    Distribution.deleteTree(dir);
  }

  private static CliResult cli(String... args) {
    return Distribution.cli(conf, CLI_TIMEOUT, args);
  }

  @Test
  @Order(1)
  void runHelloWaitEndsWithSuccessAndTheProcessorsResult() {
    CliResult r = cli("run", "hello", "--params", "world", "--wait");

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.lastLine()).matches("SUCCESS \\d+ hello world");
    assertThat(r.out()).contains("RUNNING on ");
  }

  @Test
  @Order(2)
  void aThrowingProcessorFailsTheInstanceWithTheExceptionMessage() {
    CliResult r = cli("run", "hello", "--params", "fail", "--wait");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.lastLine()).matches("FAILED \\d+ HelloWorld was asked to fail");
  }

  @Test
  @Order(3)
  void aJobWhoseProcessorIsMissingFailsNamingIt() {
    CliResult r = cli("run", "missing", "--wait");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.lastLine()).startsWith("FAILED ").contains("processor NoSuchProcessor not found").contains("HelloWorld");
  }

  @Test
  @Order(4)
  void aCronJobWithASecondsFieldFiresOnItsSeconds() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> done = new ArrayList<>();
    await("two successful cron runs").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> {
      String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/v1/jobs/every-2s/instances"))
          .header("Authorization", "Bearer e2e-token").build(), HttpResponse.BodyHandlers.ofString()).body();
      done.clear();
      json.readTree(body).forEach(i -> {
        if ("SUCCESS".equals(i.path("state").asText())) {
          done.add(i);
        }
      });
      return done.size() >= 2;
    });
    for (JsonNode run : done) {
      Instant scheduled = Instant.parse(run.path("scheduleTime").asText());
      Instant started = Instant.parse(run.path("startedAt").asText());
      assertThat(scheduled.getEpochSecond() % 2).as("fires on even seconds: " + scheduled).isZero();
      assertThat(scheduled.getNano()).isZero();
      assertThat(Duration.between(scheduled, started)).as("start delay of " + run).isLessThan(Duration.ofSeconds(1));
      assertThat(run.path("result").asText()).isEqualTo("hello cron");
    }
  }

  @Test
  @Order(5)
  void theRestApiRefusesCallsWithoutTheConfiguredToken() throws Exception {
    HttpResponse<String> refused = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/v1/jobs")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).contains("missing or wrong API token");
  }

  @Test
  @Order(5)
  void aCorruptPluginJarIsReportedByNameAndTheOthersStillLoad() {
    CliResult r = cli("plugins");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).contains("HelloWorld").contains("TestMapReduceJob").contains("examples.jar");
    assertThat(r.err()).contains("broken.jar");
    assertThat(daemon.logText()).contains("broken.jar");
  }

  @Test
  @Order(6)
  void jobsListsTheDeclaredJobsWithScheduleAndLastStatus() {
    CliResult r = cli("jobs");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).containsPattern("hello\\s+HelloWorld\\s+standalone\\s+api\\s+yes\\s+(SUCCESS|FAILED)");
    assertThat(r.out()).containsPattern("every-2s\\s+HelloWorld\\s+standalone\\s+cron \\*/2 \\* \\* \\* \\* \\?");
  }

  @Test
  @Order(7)
  void sigtermLetsRunningInstancesFinishThenStopsCleanly() throws Exception {
    CliResult triggered = cli("run", "hello", "--params", "graceful");
    long id = Long.parseLong(triggered.out().replaceAll("(?s).*instance (\\d+) of job.*", "$1"));
    await("instance started").atMost(Duration.ofSeconds(10)).until(() -> daemon.logText().contains("instance " + id + " starts on processor"));

    assertThat(daemon.stop(Duration.ofSeconds(20))).as("exit code after SIGTERM").isZero();

    assertThat(daemon.logText())
        .contains("shutting down: waiting up to")
        .containsPattern("instance " + id + " of job \\d+ finished SUCCESS: hello graceful")
        .contains("scheduler server stopped")
        .containsPattern("worker \\S+ stopped");
  }
}
