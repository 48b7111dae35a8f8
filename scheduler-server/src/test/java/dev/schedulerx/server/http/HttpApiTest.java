package dev.schedulerx.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.server.SchedulerServer;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The REST API and discovery of a real server (H2 in memory, HTTP and remoting on free ports), over HTTP. */
class HttpApiTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SchedulerServer server;

  /** Status and parsed body of one exchange. */
  private record Answer(int status, String text) {
    JsonNode json() throws Exception {
      return JSON.readTree(text);
    }
  }

  @BeforeAll
  static void start() {
    ServerSettings settings =
        new ServerSettings("127.0.0.1", 0, 0, Path.of("target"),
            new ServerSettings.DatabaseSettings("jdbc:h2:mem:http-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 2),
            Duration.ofSeconds(9), Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofDays(1),
            List.of(new ServerSettings.AppGroup("ns", "g", "secret")), ServerSettings.ApiSecurity.DEFAULT, ServerSettings.Lease.DEFAULT, TlsSettings.OFF);
    server = SchedulerServer.builder(settings).build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Answer send(String method, String path, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body());
  }

  private static Answer get(String path) throws Exception {
    return send("GET", path, null);
  }

  private static Answer post(String path, String body) throws Exception {
    return send("POST", path, body);
  }

  private static String job(String name, String more) {
    return "{\"group\":\"g\",\"name\":\"" + name + "\",\"processor\":\"HelloWorld\"" + (more.isEmpty() ? "" : "," + more) + "}";
  }

  @Test
  void anUpsertedJobIsListedAndAnUpdateKeepsItsId() throws Exception {
    Answer created = post("/api/v1/jobs", job("listed", "\"timeType\":\"cron\",\"timeExpression\":\"0 0 9 * * ?\",\"parameters\":\"v1\""));
    Answer updated = post("/api/v1/jobs", job("listed", "\"timeType\":\"cron\",\"timeExpression\":\"0 0 10 * * ?\",\"parameters\":\"v2\""));

    assertThat(created.status()).isEqualTo(200);
    assertThat(updated.status()).isEqualTo(200);
    long id = created.json().path("id").asLong();
    assertThat(updated.json().path("id").asLong()).isEqualTo(id);

    Answer list = get("/api/v1/jobs");
    assertThat(list.status()).isEqualTo(200);
    JsonNode listed = null;
    for (JsonNode j : list.json()) {
      if (j.path("spec").path("name").asText().equals("listed")) {
        listed = j;
      }
    }
    assertThat(listed).as("job in GET /api/v1/jobs: " + list.text()).isNotNull();
    JsonNode spec = listed.path("spec");
    assertThat(listed.path("id").asLong()).isEqualTo(id);
    assertThat(spec.path("group").asText()).isEqualTo("g");
    assertThat(spec.path("processor").asText()).isEqualTo("HelloWorld");
    assertThat(spec.path("executeMode").asText()).isEqualTo("standalone");
    assertThat(spec.path("timeType").asText()).isEqualTo("cron");
    assertThat(spec.path("timeExpression").asText()).isEqualTo("0 0 10 * * ?");
    assertThat(spec.path("parameters").asText()).isEqualTo("v2");
    assertThat(spec.path("enabled").asBoolean()).isTrue();

    assertThat(get("/api/v1/jobs/listed").json().path("spec").path("parameters").asText()).isEqualTo("v2");
  }

  @Test
  void aJobCanBeDisabledAndDeleted() throws Exception {
    post("/api/v1/jobs", job("short-lived", ""));

    assertThat(post("/api/v1/jobs/short-lived/disable", "").status()).isEqualTo(200);
    assertThat(get("/api/v1/jobs/short-lived").json().path("spec").path("enabled").asBoolean()).isFalse();
    assertThat(send("DELETE", "/api/v1/jobs/short-lived", null).status()).isEqualTo(200);
    assertThat(get("/api/v1/jobs/short-lived").status()).isEqualTo(404);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
          bad cron          | v1        | {"group":"g","name":"v1","processor":"P","timeType":"cron","timeExpression":"61 * * * * ?"} | cron expression "61 * * * * ?" is invalid
          unknown mode      | v2        | {"group":"g","name":"v2","processor":"P","executeMode":"fanout"}                           | executeMode "fanout"
          unknown time type | v3        | {"group":"g","name":"v3","processor":"P","timeType":"hourly"}                              | unknown time type "hourly"
          unknown field     | v4        | {"group":"g","name":"v4","processor":"P","colour":"red"}                                   | unknown field "colour"
          malformed JSON    | v5        | {"group":"g","name":"v5",                                                                  | malformed JSON
          missing processor | v6        | {"group":"g","name":"v6"}                                                                  | processor is required
          negative attempts | v7        | {"group":"g","name":"v7","processor":"P","maxAttempt":-1}                                  | maxAttempt must not be negative
          bad time zone     | v8        | {"group":"g","name":"v8","processor":"P","timeType":"cron","timeExpression":"0 * * * * ?","timeZone":"Mars/Olympus"} | time zone "Mars/Olympus" is invalid
          bad name          | has space | {"group":"g","name":"has space","processor":"P"}                                           | name "has space"
          """)
  void anInvalidJobIsRefusedWithOneLineNamingTheProblem(String what, String name, String body, String expected)
      throws Exception {
    Answer answer = post("/api/v1/jobs", body);

    assertThat(answer.status()).as(answer.text()).isEqualTo(400);
    JsonNode error = answer.json();
    assertThat(error.size()).as("only an error field: " + answer.text()).isEqualTo(1);
    assertThat(error.path("error").asText()).contains(expected).doesNotContain("\n");
    assertThat(get("/api/v1/jobs").json().findValuesAsText("name")).as("nothing stored").doesNotContain(name);
  }

  @Test
  void aFieldOfTheWrongTypeIsNamed() throws Exception {
    Answer answer = post("/api/v1/jobs", job("typed", "\"maxAttempt\":\"three\""));

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().path("error").asText()).contains("maxAttempt").doesNotContain("\n");
  }

  @Test
  void unknownJobsAndInstancesAre404() throws Exception {
    Answer job = get("/api/v1/jobs/no-such-job");
    Answer run = post("/api/v1/jobs/no-such-job/run", "");
    Answer instance = get("/api/v1/instances/987654321");

    assertThat(job.status()).isEqualTo(404);
    assertThat(job.json().path("error").asText()).isEqualTo("no job named no-such-job");
    assertThat(run.status()).isEqualTo(404);
    assertThat(instance.status()).isEqualTo(404);
    assertThat(instance.json().path("error").asText()).isEqualTo("no instance 987654321");
  }

  @Test
  void aNonNumericInstanceIdIsAClientError() throws Exception {
    Answer answer = get("/api/v1/instances/latest");

    assertThat(answer.status()).as(answer.text()).isEqualTo(400);
    assertThat(answer.json().path("error").asText()).as(answer.text()).isNotBlank();
  }

  @Test
  void runningAJobWithNoLiveWorkerEndsFailedSayingSo() throws Exception {
    post("/api/v1/jobs", job("lonely", ""));

    Answer triggered = post("/api/v1/jobs/lonely/run", "{\"parameters\":\"now\"}");

    assertThat(triggered.status()).as(triggered.text()).isEqualTo(200);
    long id = triggered.json().path("instanceId").asLong();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> get("/api/v1/instances/" + id).json().path("state").asText(), "FAILED"::equals);
    JsonNode instance = get("/api/v1/instances/" + id).json();
    assertThat(instance.path("result").asText()).isEqualTo("no live worker in group g");
    assertThat(instance.path("instanceParameters").asText()).isEqualTo("now");
    assertThat(instance.path("triggerType").asText()).isEqualTo("API");
    assertThat(instance.path("finishedAt").isNull()).isFalse();
    JsonNode listed = get("/api/v1/jobs/lonely").json();
    assertThat(listed.path("lastInstanceId").asLong()).isEqualTo(id);
    assertThat(listed.path("lastStatus").asText()).isEqualTo("FAILED");
  }

  @Test
  void discoveryRefusesAWrongAppKeyOrAnUnknownGroupInItsEnvelope() throws Exception {
    JsonNode wrongKey = get("/worker/v1/appgroup/getLeaderAddr?groupId=g&appKey=guess&namespace=ns").json();
    JsonNode wrongKeyId = get("/worker/v1/appgroup/getId?groupId=g&appKey=guess&namespace=ns").json();
    JsonNode unknownGroup = get("/worker/v1/appgroup/getLeaderAddr?groupId=other&appKey=secret&namespace=ns").json();
    JsonNode right = get("/worker/v1/appgroup/getLeaderAddr?groupId=g&appKey=secret&namespace=ns").json();

    assertThat(wrongKey.path("success").asBoolean(true)).isFalse();
    assertThat(wrongKey.path("message").asText()).isEqualTo("wrong appKey for group g");
    assertThat(wrongKey.has("data")).as("no leader address for a wrong key").isFalse();
    assertThat(wrongKeyId.path("success").asBoolean(true)).isFalse();
    assertThat(unknownGroup.path("success").asBoolean(true)).isFalse();
    assertThat(unknownGroup.path("message").asText()).isEqualTo("group other is not known to this server");
    assertThat(right.path("success").asBoolean()).isTrue();
    assertThat(right.path("data").asText()).isEqualTo(server.remotingAddress());
  }

  @Test
  void theLeaderAddressSaysInAHeaderThatThisServerTakesBatchedStatusReports() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort()
        + "/worker/v1/appgroup/getLeaderAddr?groupId=g&appKey=secret&namespace=ns")).timeout(Duration.ofSeconds(10)).build();

    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

    // Our daemons then send many status reports per message (batch.proto); official workers ignore the header.
    assertThat(response.headers().firstValue("Schedulerx-Capabilities")).hasValue("batchStatusReports");
    assertThat(JSON.readTree(response.body()).path("data").asText()).isEqualTo(server.remotingAddress());
  }

  @Test
  void aSchedulePreviewListsTheNextFireTimesOrTheReasonASaveWouldBeRefused() throws Exception {
    Answer cron = get("/api/v1/schedules/preview?timeType=cron&timeExpression=" + java.net.URLEncoder.encode("0 0 9 * * ?", java.nio.charset.StandardCharsets.UTF_8)
        + "&timeZone=Asia/Shanghai&count=3");
    assertThat(cron.status()).as(cron.text()).isEqualTo(200);
    assertThat(cron.json().path("timeZone").asText()).isEqualTo("Asia/Shanghai");
    List<java.time.Instant> times = new java.util.ArrayList<>();
    cron.json().path("nextFireTimes").forEach(t -> times.add(java.time.Instant.parse(t.asText())));
    assertThat(times).hasSize(3).isSorted().allSatisfy(t -> {
      assertThat(t).isAfter(java.time.Instant.now().minusSeconds(5));
      assertThat(t.atZone(java.time.ZoneId.of("Asia/Shanghai")).toLocalTime()).isEqualTo(java.time.LocalTime.of(9, 0));
    });

    Answer never = get("/api/v1/schedules/preview?timeType=cron&timeExpression=" + java.net.URLEncoder.encode("0 0 0 31 2 ?", java.nio.charset.StandardCharsets.UTF_8));
    assertThat(never.status()).isEqualTo(400);
    assertThat(never.json().path("error").asText()).startsWith("cron expression \"0 0 0 31 2 ?\" never fires");

    Answer api = get("/api/v1/schedules/preview?timeType=api");
    assertThat(api.status()).isEqualTo(200);
    assertThat(api.json().path("nextFireTimes").size()).isZero();
    assertThat(get("/api/v1/schedules/preview?timeType=fixed_rate&timeExpression=60&count=51").status()).isEqualTo(400);
  }

  @Test
  void aJobWhoseCronNeverFiresIsRefusedWithTheReason() throws Exception {
    Answer refused = post("/api/v1/jobs", job("never", "\"timeType\":\"cron\",\"timeExpression\":\"0 0 0 31 2 ?\""));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().path("error").asText()).startsWith("cron expression \"0 0 0 31 2 ?\" never fires: ");
    assertThat(get("/api/v1/jobs/never").status()).isEqualTo(404);
  }
}
