package dev.schedulerx.server.http;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code api-token} on a real server: /api/v1 needs the bearer token, discovery stays open; no token, no check. */
class ApiTokenTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static SchedulerServer start(String token) {
    ServerSettings settings =
        new ServerSettings("127.0.0.1", 0, 0, Path.of("target"),
            new ServerSettings.DatabaseSettings("jdbc:h2:mem:token-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 2),
            Duration.ofSeconds(9), Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofDays(1),
            List.of(new ServerSettings.AppGroup("ns", "g", "secret")),
            new ApiSecurity(token, Duration.ofMinutes(5)), ServerSettings.Lease.DEFAULT, TlsSettings.OFF);
    return SchedulerServer.builder(settings).build().start();
  }

  private static HttpResponse<String> get(SchedulerServer server, String path, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path)).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(SchedulerServer server, String path, String body, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
            .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withATokenTheApiNeedsTheBearerAndDiscoveryStaysOpen() throws Exception {
    try (SchedulerServer server = start("s3cret-token")) {
      HttpResponse<String> none = get(server, "/api/v1/jobs", null);
      HttpResponse<String> wrong = get(server, "/api/v1/jobs", "Bearer guess");
      HttpResponse<String> right = get(server, "/api/v1/jobs", "Bearer s3cret-token");

      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(JSON.readTree(none.body()).path("error").asText()).isEqualTo("missing or wrong API token");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(JSON.readTree(wrong.body()).path("error").asText()).isEqualTo("missing or wrong API token");
      assertThat(right.statusCode()).as(right.body()).isEqualTo(200);

      String job = "{\"group\":\"g\",\"name\":\"guarded\",\"processor\":\"P\"}";
      assertThat(post(server, "/api/v1/jobs", job, null).statusCode()).isEqualTo(401);
      assertThat(post(server, "/api/v1/jobs/guarded/run", "", "Bearer guess").statusCode()).isEqualTo(401);
      assertThat(get(server, "/api/v1/jobs/guarded", "Bearer s3cret-token").statusCode()).as("nothing stored").isEqualTo(404);
      assertThat(post(server, "/api/v1/jobs", job, "Bearer s3cret-token").statusCode()).isEqualTo(200);
      assertThat(get(server, "/api/v1/health", null).statusCode()).isEqualTo(401);

      HttpResponse<String> leader = get(server, "/worker/v1/appgroup/getLeaderAddr?groupId=g&appKey=secret&namespace=ns", null);
      assertThat(leader.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(leader.body()).path("data").asText()).isEqualTo(server.remotingAddress());
      assertThat(get(server, "/schedulerx2/consolelist", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withoutATokenTheApiIsOpenAsBefore() throws Exception {
    try (SchedulerServer server = start("")) {
      assertThat(get(server, "/api/v1/jobs", null).statusCode()).isEqualTo(200);
      assertThat(get(server, "/api/v1/jobs", "Bearer anything").statusCode()).isEqualTo(200);
    }
  }
}
