package dev.schedulerx.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.config.WorkerSettings;
import dev.schedulerx.worker.instance.TestPlugins;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /healthz and /metrics of a daemon and its server, both in this JVM, scraped over real HTTP. */
class HealthAndMetricsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();

  @AutoClose private static final TestDaemons daemons = new TestDaemons();
  @TempDir Path dir;
  private TestServer server;
  private WorkerDaemon daemon;

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private String daemonUrl(String path) {
    return "http://127.0.0.1:" + daemon.httpPort() + path;
  }

  private String serverUrl(String path) {
    return "http://" + server.domain() + path;
  }

  private void runToEnd(String job, String expectedState) {
    JsonNode finished = server.awaitFinished(server.trigger(job, ""), DEADLINE);
    assertThat(finished.path("state").asText()).isEqualTo(expectedState);
  }

  @Test
  void countersOfAJobAppearOnTheDaemonAndTheServerWithTheRightValues() throws Exception {
    server = TestServer.inMemory();
    daemon = daemons.start(server.domain(), TestServer.APP_KEY, dir);
    daemon.awaitReady(DEADLINE);
    server.upsertJob("quick", "Ok", "");
    server.upsertJob("broken", "Throwing", "");

    runToEnd("quick", "SUCCESS");
    runToEnd("quick", "SUCCESS");
    runToEnd("broken", "FAILED");

    await("daemon counters").atMost(DEADLINE).untilAsserted(() -> {
      Map<String, Double> worker = PrometheusText.scrape(daemonUrl("/metrics"));
      assertThat(worker)
          .containsEntry("schedulerx_worker_tasks_finished_total{job=\"quick\",status=\"SUCCESS\"}", 2.0)
          .containsEntry("schedulerx_worker_tasks_finished_total{job=\"broken\",status=\"FAILED\"}", 1.0)
          .containsEntry("schedulerx_worker_tasks_running{job=\"quick\"}", 0.0)
          .containsEntry("schedulerx_worker_dispatch_latency_seconds_count{job=\"quick\"}", 2.0)
          .containsEntry("schedulerx_worker_instances_supervised", 0.0)
          .containsEntry("schedulerx_worker_container_queue_depth", 0.0)
          .doesNotContainKey("schedulerx_worker_tasks_finished_total{job=\"quick\",status=\"FAILED\"}");
      assertThat(worker.get("schedulerx_worker_heartbeat_age_seconds")).isBetween(0.0, 5.0);
      assertThat(worker).containsKey("jvm_memory_used_bytes{area=\"heap\",id=\"Tenured Gen\"}".replace("Tenured Gen", heapPool(worker)));
      assertThat(worker).containsKey("process_cpu_usage");
    });

    await("server counters").atMost(DEADLINE).untilAsserted(() -> {
      Map<String, Double> central = PrometheusText.scrape(serverUrl("/metrics"));
      assertThat(central)
          .containsEntry("schedulerx_server_instances_started_total{group=\"g\",job=\"quick\"}", 2.0)
          .containsEntry("schedulerx_server_instances_finished_total{group=\"g\",job=\"quick\",status=\"SUCCESS\"}", 2.0)
          .containsEntry("schedulerx_server_instances_finished_total{group=\"g\",job=\"broken\",status=\"FAILED\"}", 1.0)
          .containsEntry("schedulerx_server_trigger_delay_seconds_count{group=\"g\",job=\"quick\"}", 2.0)
          .containsEntry("schedulerx_server_trigger_delay_seconds_bucket{group=\"g\",job=\"quick\",le=\"+Inf\"}", 2.0)
          .containsEntry("schedulerx_server_workers{group=\"g\"}", 1.0)
          .containsEntry("schedulerx_server_leader", 1.0)
          .containsKey("jvm_threads_live_threads");
      assertThat(central.get("schedulerx_server_worker_heartbeat_age_seconds{group=\"g\",worker=\"" + daemon.workerId() + "\"}"))
          .isBetween(0.0, 5.0);
    });
  }

  @Test
  void aDaemonWhoseHttpPortIsTakenFailsToStartNamingTheKey() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      WorkerSettings settings = TestDaemons.settings("127.0.0.1:1", TestServer.APP_KEY, dir,
          Map.of("worker.shutdown-grace", "1s", "worker.http.port", taken.getLocalPort()));
      WorkerDaemon failing = WorkerDaemon.builder(settings).pluginSource(TestPlugins.source(dir.resolve("plugins"))).build();
      try {
        assertThatIllegalStateException().isThrownBy(failing::start)
            .withMessageStartingWith("cannot serve /healthz and /metrics on 127.0.0.1:" + taken.getLocalPort() + " (schedulerx.worker.http.*): ");
      } finally {
        failing.close();
      }
    }
  }

  /** Whatever heap pool name this JVM's collector uses (e.g. "G1 Old Gen", "Tenured Gen"). */
  private static String heapPool(Map<String, Double> series) {
    return series.keySet().stream()
        .filter(k -> k.startsWith("jvm_memory_used_bytes{area=\"heap\""))
        .map(k -> k.replaceAll(".*id=\"([^\"]*)\".*", "$1"))
        .findFirst().orElse("no heap pool in the scrape");
  }

  @Test
  void bothAreHealthyWhileConnectedAndTheDaemonIsNotOnceItsServerStops() throws Exception {
    server = TestServer.inMemory();
    daemon = daemons.start(server.domain(), TestServer.APP_KEY, dir);
    daemon.awaitReady(DEADLINE);

    HttpResponse<String> serverHealth = PrometheusText.get(serverUrl("/healthz"));
    assertThat(serverHealth.statusCode()).isEqualTo(200);
    JsonNode serverBody = JSON.readTree(serverHealth.body());
    assertThat(serverBody.path("status").asText()).isEqualTo("UP");
    assertThat(serverBody.path("database").asText()).isEqualTo("UP");
    await("leadership").atMost(DEADLINE).until(() -> JSON.readTree(PrometheusText.get(serverUrl("/healthz")).body()).path("leader").asBoolean());
    assertThat(PrometheusText.get(serverUrl("/api/v1/health")).statusCode()).isEqualTo(200);

    HttpResponse<String> daemonHealth = PrometheusText.get(daemonUrl("/healthz"));
    assertThat(daemonHealth.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(daemonHealth.body()).path("status").asText()).isEqualTo("UP");
    assertThat(JSON.readTree(daemonHealth.body()).path("worker").asText()).isEqualTo(daemon.workerId());
    assertThat(daemonHealth.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(PrometheusText.get(daemonUrl("/nothing-here")).statusCode()).isEqualTo(404);

    server.close();
    server = null;

    // Heartbeats every 200 ms: unhealthy once three go unacknowledged.
    await("daemon unhealthy").atMost(DEADLINE).until(() -> PrometheusText.get(daemonUrl("/healthz")).statusCode() == 503);
    JsonNode down = JSON.readTree(PrometheusText.get(daemonUrl("/healthz")).body());
    assertThat(down.path("status").asText()).isEqualTo("DOWN");
    assertThat(down.path("reason").asText()).startsWith("no heartbeat acknowledged for ");
  }
}
