package dev.schedulerx.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.server.SchedulerServer;
import dev.schedulerx.server.config.ServerSettings;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A workflow's own alert settings through the REST API of a real server (H2 in memory): stored and shown, checked
 * with the job's parser (a bad text is refused naming the field, nothing stored), kept by the official client's
 * workflow/update (which sends none), cleared by an empty text.
 */
class AlertWorkflowSettingsTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MONITOR = "{\"failEnable\":true,\"sendChannel\":\"ding\"}";
  private static final String CONTACT = "[{\"userName\":\"wf-ops\",\"ding\":\"wf-ding\"}]";
  private static SchedulerServer server;

  private record Answer(int status, JsonNode body) {}

  @BeforeAll
  static void start() {
    server = SchedulerServer.builder(new ServerSettings("127.0.0.1", 0, 0, Path.of("target"),
        new ServerSettings.DatabaseSettings("jdbc:h2:mem:wf-alerts-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 2),
        Duration.ofSeconds(9), Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofDays(1),
        List.of(new ServerSettings.AppGroup("ns", "g", "secret")), ServerSettings.ApiSecurity.DEFAULT,
        ServerSettings.Lease.DEFAULT, TlsSettings.OFF)).build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Answer rest(String method, String path, Object body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json");
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), JSON.readTree(response.body()));
  }

  /** A form-encoded OpenAPI call signed as the official Java client signs it. */
  private static Answer openApi(String path, Map<String, Object> params) throws Exception {
    String ts = Long.toString(System.currentTimeMillis());
    Map<String, Object> all = new LinkedHashMap<>(Map.of("groupId", "g", "namespace", "ns"));
    all.putAll(params);
    String form = all.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(String.valueOf(e.getValue()), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
        .header("openapi-timestamp", ts).header("openapi-groupid", "g")
        .header("openapi-signature", OpenApiTest.javaSignature("secret", "g", ts))
        .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), JSON.readTree(response.body()));
  }

  @Test
  void aWorkflowsAlertSettingsAreStoredShownAndKeptByTheOfficialClientsUpdate() throws Exception {
    Answer created = rest("POST", "/api/v1/workflows", Map.of("group", "g", "name", "nightly",
        "monitorConfig", MONITOR, "contact", CONTACT));
    assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
    long id = created.body().path("id").asLong();
    JsonNode shown = rest("GET", "/api/v1/workflows/" + id, null).body();
    assertThat(shown.path("monitorConfig").asText()).isEqualTo(MONITOR);
    assertThat(shown.path("contact").asText()).isEqualTo(CONTACT);

    // the official client's UpdateWorkflowRequest carries no alert settings: they stay
    Answer updated = openApi("/openapi/v1/workflow/update", Map.of("workflowId", id, "name", "nightly",
        "description", "renamed by the client", "timeType", 100));
    assertThat(updated.status()).as(updated.body().toString()).isEqualTo(200);
    JsonNode after = rest("GET", "/api/v1/workflows/" + id, null).body();
    assertThat(after.path("description").asText()).isEqualTo("renamed by the client");
    assertThat(after.path("monitorConfig").asText()).isEqualTo(MONITOR);
    assertThat(after.path("contact").asText()).isEqualTo(CONTACT);

    // an upsert without them keeps them too; the JSON itself is taken as well as its text; "" clears
    rest("POST", "/api/v1/workflows", Map.of("group", "g", "name", "nightly", "maxConcurrency", 2));
    assertThat(rest("GET", "/api/v1/workflows/" + id, null).body().path("contact").asText()).isEqualTo(CONTACT);
    rest("POST", "/api/v1/workflows", Map.of("group", "g", "name", "nightly",
        "monitorConfig", Map.of("failEnable", false)));
    assertThat(JSON.readTree(rest("GET", "/api/v1/workflows/" + id, null).body().path("monitorConfig").asText())
        .path("failEnable").asBoolean(true)).isFalse();
    rest("POST", "/api/v1/workflows", Map.of("group", "g", "name", "nightly", "monitorConfig", "", "contact", ""));
    JsonNode cleared = rest("GET", "/api/v1/workflows/" + id, null).body();
    assertThat(cleared.path("monitorConfig").isNull()).as(cleared.toString()).isTrue();
    assertThat(cleared.path("contact").isNull()).isTrue();
  }

  @Test
  void badAlertSettingsAreRefusedNamingTheFieldAndNothingIsStored() throws Exception {
    Answer badMonitor = rest("POST", "/api/v1/workflows", Map.of("group", "g", "name", "bad-monitor",
        "monitorConfig", "{failEnable: yes"));
    assertThat(badMonitor.status()).isEqualTo(400);
    assertThat(badMonitor.body().path("error").asText()).contains("monitorConfig is not valid JSON");
    Answer badLimit = rest("POST", "/api/v1/workflows", Map.of("group", "g", "name", "bad-monitor",
        "monitorConfig", "{\"failLimitTimes\":0}"));
    assertThat(badLimit.status()).isEqualTo(400);
    assertThat(badLimit.body().path("error").asText()).contains("monitorConfig.failLimitTimes must be at least 1");
    Answer badContact = rest("POST", "/api/v1/workflows", Map.of("group", "g", "name", "bad-contact",
        "contact", "\"ops\""));
    assertThat(badContact.status()).isEqualTo(400);
    assertThat(badContact.body().path("error").asText()).contains("contact must be a JSON array");
    assertThat(rest("GET", "/api/v1/workflows/bad-monitor", null).status()).isEqualTo(404);
    assertThat(rest("GET", "/api/v1/workflows/bad-contact", null).status()).isEqualTo(404);
  }
}
