package dev.schedulerx.server.http;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's static files on a real server with an API token: served without the token, from a fixed list; and
 * {@code GET /api/v1/instances}, the recent instances of all jobs that the console's overview shows.
 */
class ConsoleRoutesTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BEARER = "Bearer console-token";
  private static SchedulerServer server;

  @BeforeAll
  static void start() {
    ServerSettings settings =
        new ServerSettings("127.0.0.1", 0, 0, Path.of("target"),
            new ServerSettings.DatabaseSettings("jdbc:h2:mem:console-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 2),
            Duration.ofSeconds(9), Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofDays(1),
            List.of(new ServerSettings.AppGroup("ns", "g", "secret")),
            new ApiSecurity("console-token", Duration.ofMinutes(5)), ServerSettings.Lease.DEFAULT, TlsSettings.OFF);
    server = SchedulerServer.builder(settings).build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> send(String method, String path, String body, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, null, null);
  }

  @Test
  void theRootAndTheBareFolderRedirectToTheConsole() throws Exception {
    for (String path : List.of("/", "/console")) {
      HttpResponse<String> answer = get(path);

      assertThat(answer.statusCode()).as(path).isEqualTo(302);
      assertThat(answer.headers().firstValue("Location")).as(path).hasValue("/console/");
    }
  }

  @Test
  void thePagesAreServedWithoutTheTokenWithTheirContentTypes() throws Exception {
    HttpResponse<String> page = get("/console/");
    HttpResponse<String> script = get("/console/console.js");
    HttpResponse<String> style = get("/console/console.css");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("<script src=\"console.js\"></script>", "id=\"token-dialog\"");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
    assertThat(script.body()).contains("'Authorization'");
    assertThat(style.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
    assertThat(get("/api/v1/jobs").statusCode()).as("the API still needs the token").isEqualTo(401);
  }

  @Test
  void anythingElseUnderTheConsoleIsNotFound() throws Exception {
    for (String path : List.of("/console/missing.js", "/console/%2e%2e%2fpom.xml", "/console/..%2freference.conf")) {
      HttpResponse<String> answer = get(path);

      assertThat(answer.statusCode()).as(path).isEqualTo(404);
      assertThat(answer.body()).as(path).doesNotContain("schedulerx-server {");
    }
  }

  @Test
  void recentInstancesOfAllJobsAreListedNewestFirst() throws Exception {
    for (String name : List.of("first", "second")) {
      send("POST", "/api/v1/jobs", "{\"group\":\"g\",\"name\":\"" + name + "\",\"processor\":\"P\"}", BEARER);
    }
    long first = JSON.readTree(send("POST", "/api/v1/jobs/first/run", "{\"parameters\":\"a\"}", BEARER).body()).path("instanceId").asLong();
    long second = JSON.readTree(send("POST", "/api/v1/jobs/second/run", "{\"parameters\":\"b\"}", BEARER).body()).path("instanceId").asLong();

    JsonNode all = JSON.readTree(send("GET", "/api/v1/instances", null, BEARER).body());
    JsonNode one = JSON.readTree(send("GET", "/api/v1/instances?limit=1", null, BEARER).body());
    HttpResponse<String> zero = send("GET", "/api/v1/instances?limit=0", null, BEARER);

    assertThat(all).hasSize(2);
    assertThat(all.get(0).path("id").asLong()).isEqualTo(second);
    assertThat(all.get(0).path("jobName").asText()).isEqualTo("second");
    assertThat(all.get(1).path("id").asLong()).isEqualTo(first);
    assertThat(one).hasSize(1);
    assertThat(zero.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(zero.body()).path("error").asText()).isEqualTo("limit must be at least 1, was 0");
    assertThat(send("GET", "/api/v1/instances", null, null).statusCode()).isEqualTo(401);
  }
}
