package dev.schedulerx.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.server.SchedulerServer;
import dev.schedulerx.server.config.ServerSettings.ApiSecurity;
import dev.schedulerx.server.config.ServerSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The server's /healthz and /metrics over real HTTP: open even with an API token, 503 without a database. */
class HealthAndMetricsRoutesTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static SchedulerServer start(String jdbcUrl, String token) {
    ServerSettings settings =
        new ServerSettings("127.0.0.1", 0, 0, Path.of("target"),
            new ServerSettings.DatabaseSettings(jdbcUrl, "sa", "", 2),
            Duration.ofSeconds(9), Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofDays(1),
            List.of(new ServerSettings.AppGroup("ns", "g", "secret")),
            new ApiSecurity(token, Duration.ofMinutes(5)), ServerSettings.Lease.DEFAULT, TlsSettings.OFF);
    return SchedulerServer.builder(settings).build().start();
  }

  private static HttpResponse<String> get(SchedulerServer server, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthAndMetricsNeedNoTokenWhileTheApiDoes() throws Exception {
    try (SchedulerServer server = start("jdbc:h2:mem:metrics-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "s3cret-token")) {
      await("leadership").atMost(Duration.ofSeconds(10)).until(server::isLeader);

      HttpResponse<String> health = get(server, "/healthz");
      HttpResponse<String> metrics = get(server, "/metrics");

      assertThat(get(server, "/api/v1/jobs").statusCode()).isEqualTo(401);
      assertThat(health.statusCode()).isEqualTo(200);
      JsonNode body = JSON.readTree(health.body());
      assertThat(body.path("status").asText()).isEqualTo("UP");
      assertThat(body.path("leader").asBoolean()).isTrue();
      assertThat(body.path("database").asText()).isEqualTo("UP");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
      assertThat(metrics.body().lines())
          .contains("schedulerx_server_leader 1.0", "schedulerx_server_workers{group=\"g\"} 0.0")
          .anyMatch(l -> l.startsWith("jvm_memory_used_bytes{"))
          .anyMatch(l -> l.startsWith("process_uptime_seconds "));
    }
  }

  @Test
  void healthIs503OnceTheDatabaseIsGone() throws Exception {
    String url = "jdbc:h2:mem:gone-" + UUID.randomUUID();
    try (Connection create = DriverManager.getConnection(url + ";DB_CLOSE_DELAY=-1", "sa", "")) {
      // created and kept open in memory; the server may only open it, never create a new empty one
    }
    try (SchedulerServer server = start(url + ";IFEXISTS=TRUE", "")) {
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);

      try (Connection c = DriverManager.getConnection(url + ";IFEXISTS=TRUE", "sa", ""); Statement s = c.createStatement()) {
        s.execute("SHUTDOWN");
      }

      await("unhealthy").atMost(Duration.ofSeconds(15)).until(() -> get(server, "/healthz").statusCode() == 503);
      JsonNode body = JSON.readTree(get(server, "/healthz").body());
      assertThat(body.path("status").asText()).isEqualTo("DOWN");
      assertThat(body.path("database").asText()).isEqualTo("DOWN");
      assertThat(body.path("reason").asText()).startsWith("database unreachable: ");
    }
  }
}
