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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Health and metrics as an operator meets them: bin/schedulerx-worker with the embedded server, two jobs
 * run through the CLI, then /healthz and /metrics of the daemon (port from its ready line) and of the
 * server scraped over HTTP, and the container image's health probe run against the daemon.
 */
class MetricsEndToEndTest {
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path dir;
  static Path conf;
  static int serverPort;
  static int daemonPort;
  static Daemon daemon;

  @BeforeAll
  static void startDaemon() throws Exception {
    dir = Files.createTempDirectory("sx-e2e-metrics");
    Path plugins = Distribution.pluginsWithExamples(dir);
    serverPort = Distribution.freePort();
    conf = dir.resolve("worker.conf");
    Files.writeString(conf, """
        schedulerx {
          group-id = "metrics"
          app-key = "metrics-key"
          api-token = "metrics-token"
          plugins-dir = "%s"
          data-dir = "%s"
          server.http-port = %d
          jobs {
            hello { processor = "HelloWorld", time-type = api }
            map { processor = "TestMapJob", execute-mode = grid, time-type = api }
          }
        }
        """.formatted(plugins, dir.resolve("data"), serverPort));
    daemon = Daemon.start(conf, dir.resolve("daemon.log"), Duration.ofSeconds(90));
    Matcher ready = Pattern.compile(": ready \\(.*/healthz and /metrics on http://127\\.0\\.0\\.1:(\\d+)\\)").matcher(daemon.logText());
    assertThat(ready.find()).as("ready line with the HTTP port in " + daemon.logText()).isTrue();
    daemonPort = Integer.parseInt(ready.group(1));
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

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Series (name and labels as printed) → value. */
  private static Map<String, Double> scrape(int port) throws Exception {
    HttpResponse<String> response = get(port, "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    Map<String, Double> series = new HashMap<>();
    response.body().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(l -> {
      int space = l.lastIndexOf(' ');
      series.put(l.substring(0, space), Double.parseDouble(l.substring(space + 1)));
    });
    return series;
  }

  @Test
  void jobsRunThroughTheCliShowUpOnBothScrapesAndBothAreHealthy() throws Exception {
    CliResult hello = cli("run", "hello", "--params", "world", "--wait");
    assertThat(hello.lastLine()).as(hello.out() + hello.err()).matches("SUCCESS \\d+ hello world");
    CliResult map = cli("run", "map", "--params", "20", "--wait");
    assertThat(map.lastLine()).as(map.out() + map.err()).startsWith("FAILED ");

    // Map: the root task and 19 of its 20 sub-tasks succeed, id_5 fails on purpose; all on this one worker.
    await("daemon metrics").atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape(daemonPort))
        .containsEntry("schedulerx_worker_tasks_finished_total{job=\"hello\",status=\"SUCCESS\"}", 1.0)
        .containsEntry("schedulerx_worker_tasks_finished_total{job=\"map\",status=\"SUCCESS\"}", 20.0)
        .containsEntry("schedulerx_worker_tasks_finished_total{job=\"map\",status=\"FAILED\"}", 1.0)
        .containsEntry("schedulerx_worker_dispatch_latency_seconds_count{job=\"map\"}", 21.0)
        .containsEntry("schedulerx_worker_tasks_running{job=\"map\"}", 0.0)
        .containsEntry("schedulerx_worker_container_queue_depth", 0.0)
        .containsEntry("schedulerx_worker_instances_supervised", 0.0)
        .containsKey("schedulerx_worker_heartbeat_age_seconds")
        .containsKey("jvm_threads_live_threads"));

    // Open although api-token is set: scrapers and probes send no token.
    await("server metrics").atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape(serverPort))
        .containsEntry("schedulerx_server_instances_started_total{group=\"metrics\",job=\"hello\"}", 1.0)
        .containsEntry("schedulerx_server_instances_finished_total{group=\"metrics\",job=\"hello\",status=\"SUCCESS\"}", 1.0)
        .containsEntry("schedulerx_server_instances_finished_total{group=\"metrics\",job=\"map\",status=\"FAILED\"}", 1.0)
        .containsEntry("schedulerx_server_trigger_delay_seconds_count{group=\"metrics\",job=\"hello\"}", 1.0)
        .containsEntry("schedulerx_server_workers{group=\"metrics\"}", 1.0)
        .containsEntry("schedulerx_server_leader", 1.0)
        .containsKey("schedulerx_server_worker_heartbeat_age_seconds{group=\"metrics\",worker=\"" + daemon.workerId() + "\"}"));

    JsonNode daemonHealth = JSON.readTree(get(daemonPort, "/healthz").body());
    assertThat(daemonHealth.path("status").asText()).isEqualTo("UP");
    assertThat(daemonHealth.path("worker").asText()).isEqualTo(daemon.workerId());
    HttpResponse<String> serverHealth = get(serverPort, "/healthz");
    assertThat(serverHealth.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(serverHealth.body()).path("database").asText()).isEqualTo("UP");
  }

  @Test
  void theImagesHealthProbeSucceedsAgainstTheDaemonAndFailsWhereNothingListens() throws Exception {
    String dockerfile = Files.readString(Distribution.home().resolve("Dockerfile"));
    assertThat(dockerfile).contains("COPY bin bin").contains("SCHEDULERX_WORKER_HTTP_PORT=18081").containsPattern("EXPOSE .*18081")
        .containsPattern("HEALTHCHECK [^\\n]*\\\\\\n\\s+CMD \\[\"/opt/schedulerx/bin/schedulerx-healthcheck\"\\]");

    Probe up = probe(daemonPort);
    Probe nothing = probe(Distribution.freePort());

    assertThat(up.exitCode()).as(up.output()).isZero();
    assertThat(up.output()).startsWith("HTTP/1.1 200 ").contains("\"status\":\"UP\"");
    assertThat(nothing.exitCode()).isEqualTo(1);
    assertThat(nothing.output()).contains("nothing listens on 127.0.0.1:");
  }

  private record Probe(int exitCode, String output) {}

  /** bin/schedulerx-healthcheck as the image's HEALTHCHECK runs it: the port from the environment. */
  private static Probe probe(int port) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Distribution.home().resolve("bin/schedulerx-healthcheck").toString()).redirectErrorStream(true);
    pb.environment().put("SCHEDULERX_WORKER_HTTP_PORT", Integer.toString(port));
    Process p = pb.start();
    assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("probe finished").isTrue();
    return new Probe(p.exitValue(), new String(p.getInputStream().readAllBytes()).strip());
  }
}
