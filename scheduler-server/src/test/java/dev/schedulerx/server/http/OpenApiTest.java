package dev.schedulerx.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.server.SchedulerServer;
import dev.schedulerx.server.config.ServerSettings.ApiSecurity;
import dev.schedulerx.server.config.ServerSettings;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.TriggerType;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SchedulerX OpenAPI of a real server (H2 in memory, free ports), signed as the Java and Go SDKs sign. */
class OpenApiTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DB = "jdbc:h2:mem:openapi-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  private static SchedulerServer server;

  private record Answer(int status, JsonNode body) {}

  private enum Style { JAVA, GO }

  @BeforeAll
  static void start() {
    ServerSettings settings =
        new ServerSettings("127.0.0.1", 0, 0, Path.of("target"),
            new ServerSettings.DatabaseSettings(DB, "sa", "", 2),
            Duration.ofSeconds(9), Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofDays(1),
            List.of(new ServerSettings.AppGroup("ns", "g", "secret"), new ServerSettings.AppGroup("ns", "other", "other-key")),
            new ApiSecurity("", Duration.ofMinutes(5)), ServerSettings.Lease.DEFAULT, TlsSettings.OFF);
    server = SchedulerServer.builder(settings).build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // ---- the SDKs' signatures, written out as each SDK computes them ----

  private static byte[] hmacSha1(String key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  /** Java SDK: Base64 of the raw digest, then + / = removed. */
  static String javaSignature(String appKey, String groupId, String ts) throws Exception {
    String b64 = Base64.getEncoder().encodeToString(hmacSha1(appKey, groupId + ts));
    return b64.replace("+", "").replace("/", "").replace("=", "");
  }

  /** Go SDK: hex.EncodeToString(digest), Base64 of that text, then + = / removed. */
  static String goSignature(String appKey, String groupId, String ts) throws Exception {
    StringBuilder hex = new StringBuilder();
    for (byte b : hmacSha1(appKey, groupId + ts)) {
      hex.append(String.format("%02x", b));
    }
    String b64 = Base64.getEncoder().encodeToString(hex.toString().getBytes(StandardCharsets.UTF_8));
    return b64.replace("+", "").replace("=", "").replace("/", "");
  }

  private static Answer call(String path, Map<String, String> headers, Style style, Map<String, Object> params) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path)).timeout(Duration.ofSeconds(10));
    headers.forEach(request::header);
    String body;
    if (style == Style.GO) {
      request.header("Content-Type", "application/json");
      body = JSON.writeValueAsString(params);
    } else {
      request.header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
      body = params.entrySet().stream()
          .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(String.valueOf(e.getValue()), StandardCharsets.UTF_8))
          .collect(Collectors.joining("&"));
    }
    HttpResponse<String> response = HTTP.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), JSON.readTree(response.body()));
  }

  private static Map<String, String> signed(String group, String key, Style style, long timestamp) throws Exception {
    String ts = Long.toString(timestamp);
    Map<String, String> h = new LinkedHashMap<>();
    h.put("openapi-timestamp", ts);
    h.put("openapi-groupid", group);
    h.put("openapi-signature", style == Style.JAVA ? javaSignature(key, group, ts) : goSignature(key, group, ts));
    return h;
  }

  /** A call of group g, signed and encoded as {@code style}'s SDK does. */
  private static Answer as(Style style, String path, Object... keyValues) throws Exception {
    return asGroup("g", "secret", style, path, keyValues);
  }

  private static Answer asGroup(String group, String key, Style style, String path, Object... keyValues) throws Exception {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("groupId", group);
    params.put("namespace", "ns");
    for (int i = 0; i < keyValues.length; i += 2) {
      params.put((String) keyValues[i], keyValues[i + 1]);
    }
    return call(path, signed(group, key, style, System.currentTimeMillis()), style, params);
  }

  private static void assertOk(Answer a) {
    assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
    assertThat(a.body().path("success").asBoolean()).as(a.body().toString()).isTrue();
    assertThat(a.body().path("code").asInt()).isEqualTo(200);
    assertThat(a.body().path("requestId").asText()).isNotBlank();
  }

  private static void assertRefused(Answer a, int code, String reason) {
    assertThat(a.status()).as(a.body().toString()).isEqualTo(code);
    assertThat(a.body().path("success").asBoolean(true)).as(a.body().toString()).isFalse();
    assertThat(a.body().path("code").asInt()).isEqualTo(code);
    assertThat(a.body().path("message").asText()).contains(reason).doesNotContain("\n");
  }

  private static long create(Style style, String name) throws Exception {
    Answer created = as(style, "/openapi/v1/job/create", "name", name, "jobType", "java",
        "content", "{\"className\":\"com.example.Hello\"}", "executeMode", "standalone", "timeType", 100, "timeExpression", "");
    assertOk(created);
    return created.body().path("data").path("jobId").asLong();
  }

  // ---- signature ----

  @Test
  void theJavaAndTheGoSignatureAreBothAcceptedWithFormAndJsonBodies() throws Exception {
    long viaJava = create(Style.JAVA, "signed-java");
    long viaGo = create(Style.GO, "signed-go");

    assertThat(viaJava).isPositive();
    assertThat(viaGo).isPositive().isNotEqualTo(viaJava);
    // The two encodings differ; each is accepted on its own.
    String ts = "1700000000000";
    assertThat(javaSignature("secret", "g", ts)).isNotEqualTo(goSignature("secret", "g", ts));
    assertThat(as(Style.GO, "/openapi/v1/job/get", "jobId", viaJava).body().path("data").path("jobConfigInfo").path("name").asText())
        .isEqualTo("signed-java");
    assertThat(as(Style.JAVA, "/openapi/v1/job/get", "jobId", viaGo).body().path("data").path("jobConfigInfo").path("name").asText())
        .isEqualTo("signed-go");
  }

  @Test
  void aWrongKeyMissingHeadersAStaleTimestampAndAnUnknownGroupAre401WithTheReason() throws Exception {
    String path = "/openapi/v1/job/get";
    Map<String, Object> params = Map.of("jobId", 1);
    long now = System.currentTimeMillis();

    assertRefused(call(path, signed("g", "guess", Style.JAVA, now), Style.JAVA, params), 401, "bad signature for group g");
    assertRefused(call(path, signed("g", "guess", Style.GO, now), Style.GO, params), 401, "bad signature for group g");
    for (String header : List.of("openapi-timestamp", "openapi-groupid", "openapi-signature")) {
      Map<String, String> headers = new LinkedHashMap<>(signed("g", "secret", Style.JAVA, now));
      headers.remove(header);
      assertRefused(call(path, headers, Style.JAVA, params), 401, "missing header " + header);
    }
    long stale = now - Duration.ofMinutes(6).toMillis();
    assertRefused(call(path, signed("g", "secret", Style.JAVA, stale), Style.JAVA, params), 401, "stale timestamp");
    long future = now + Duration.ofMinutes(6).toMillis();
    assertRefused(call(path, signed("g", "secret", Style.GO, future), Style.GO, params), 401, "stale timestamp");
    assertRefused(call(path, signed("nobody", "secret", Style.JAVA, now), Style.JAVA, params), 401, "unknown group nobody");
  }

  // ---- round trip ----

  @Test
  void aJobGoesThroughCreateGetUpdateDisableEnableExecuteAndDelete() throws Exception {
    Answer created = as(Style.JAVA, "/openapi/v1/job/create",
        "name", "round-trip", "description", "via OpenAPI", "jobType", "java",
        "content", "{\"className\":\"com.example.RoundTrip\"}", "contentType", 1, "executeMode", "parallel",
        "parameters", "p1", "maxConcurrency", 2, "maxAttempt", 0, "attemptInterval", 15, "status", 1,
        "timeType", 1, "timeExpression", "0 0 3 * * ?", "timezone", "UTC",
        "xattrs", "{\"consumerSize\":5,\"taskMaxAttempt\":3,\"taskAttemptInterval\":7,\"taskDispatchMode\":\"push\"}");
    assertOk(created);
    long jobId = created.body().path("data").path("jobId").asLong();

    JsonNode job = as(Style.GO, "/openapi/v1/job/get", "jobId", jobId).body().path("data").path("jobConfigInfo");
    assertThat(job.path("jobId").asLong()).isEqualTo(jobId);
    assertThat(job.path("name").asText()).isEqualTo("round-trip");
    assertThat(job.path("description").asText()).isEqualTo("via OpenAPI");
    assertThat(job.path("className").asText()).isEqualTo("com.example.RoundTrip");
    assertThat(JSON.readTree(job.path("content").asText()).path("className").asText()).isEqualTo("com.example.RoundTrip");
    assertThat(job.path("executeMode").asText()).isEqualTo("parallel");
    assertThat(job.path("parameters").asText()).isEqualTo("p1");
    assertThat(job.path("maxConcurrency").asInt()).isEqualTo(2);
    assertThat(job.path("attemptInterval").asInt()).isEqualTo(15);
    assertThat(job.path("status").asInt()).isEqualTo(1);
    assertThat(job.path("contentType").asInt()).isEqualTo(1);
    assertThat(job.path("timeConfig").path("timeType").asInt()).isEqualTo(1);
    assertThat(job.path("timeConfig").path("timeExpression").asText()).isEqualTo("0 0 3 * * ?");
    assertThat(job.path("timeConfig").path("timezone").asText()).isEqualTo("UTC");
    assertThat(job.path("mapTaskXAttrs").path("taskMaxAttempt").asInt()).isEqualTo(3);
    assertThat(job.path("mapTaskXAttrs").path("taskAttemptInterval").asInt()).isEqualTo(7);
    assertThat(job.path("mapTaskXAttrs").path("consumerSize").asInt()).isEqualTo(5);
    assertThat(job.path("xAttrs").isTextual()).as("xAttrs is JSON text, as the client's String field wants").isTrue();

    // Update: only what is sent changes; the id stays.
    assertOk(as(Style.JAVA, "/openapi/v1/job/update", "jobId", jobId, "parameters", "p2", "timeType", 100, "timeExpression", ""));
    job = as(Style.JAVA, "/openapi/v1/job/get", "jobId", jobId).body().path("data").path("jobConfigInfo");
    assertThat(job.path("parameters").asText()).isEqualTo("p2");
    assertThat(job.path("timeConfig").path("timeType").asInt()).isEqualTo(100);
    assertThat(job.path("executeMode").asText()).isEqualTo("parallel");
    assertThat(job.path("className").asText()).isEqualTo("com.example.RoundTrip");

    assertOk(as(Style.GO, "/openapi/v1/job/disable", "jobId", jobId));
    assertThat(as(Style.GO, "/openapi/v1/job/get", "jobId", jobId).body().path("data").path("jobConfigInfo").path("status").asInt()).isZero();
    assertOk(as(Style.JAVA, "/openapi/v1/job/enable", "jobId", jobId));
    assertThat(as(Style.GO, "/openapi/v1/job/get", "jobId", jobId).body().path("data").path("jobConfigInfo").path("status").asInt()).isEqualTo(1);

    // Execute: no worker is alive in g, so the run ends FAILED saying so.
    Answer executed = as(Style.JAVA, "/openapi/v1/job/execute", "jobId", jobId, "instanceParameters", "now");
    assertOk(executed);
    long instanceId = executed.body().path("data").path("jobInstanceId").asLong();
    await().atMost(Duration.ofSeconds(10)).until(
        () -> as(Style.GO, "/openapi/v1/instance/get", "jobId", jobId, "jobInstanceId", instanceId)
            .body().path("data").path("jobInstanceDetail").path("status").asInt() == 5);
    JsonNode detail = as(Style.GO, "/openapi/v1/instance/get", "jobId", jobId, "jobInstanceId", instanceId)
        .body().path("data").path("jobInstanceDetail");
    assertThat(detail.path("instanceId").asLong()).isEqualTo(instanceId);
    assertThat(detail.path("jobId").asLong()).isEqualTo(jobId);
    assertThat(detail.path("jobName").asText()).isEqualTo("round-trip");
    assertThat(detail.path("result").asText()).startsWith("no live worker");
    assertThat(detail.path("parameters").asText()).isEqualTo("now");
    assertThat(detail.path("attempt").asInt()).isZero();
    // Date fields as ISO-8601 with an offset (what the official client's Gson reads), the human form in *Date.
    assertThat(detail.path("scheduleTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)");
    assertThat(detail.path("endTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)");
    assertThat(detail.path("endDate").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
    assertThat(detail.path("triggerType").asInt()).as("an API run").isEqualTo(3);

    JsonNode list = as(Style.JAVA, "/openapi/v1/instance/getList", "jobId", jobId).body().path("data").path("jobInstanceDetails");
    assertThat(list.findValuesAsText("instanceId")).contains(Long.toString(instanceId));

    // Kill: a finished run cannot be; a WAITING one (created straight in the store, as a due pass would) can.
    assertRefused(as(Style.JAVA, "/openapi/v1/instance/kill", "jobId", jobId, "instanceId", instanceId), 400, "already finished");
    JdbcDataSource db = new JdbcDataSource();
    db.setURL(DB);
    db.setUser("sa");
    JobInstance waiting = new InstanceRepository(db)
        .create(jobId, "g", "round-trip", Instant.parse("2030-01-01T03:00:00Z"), TriggerType.SCHEDULE, "", 0, Instant.now())
        .orElseThrow();
    assertThat(as(Style.GO, "/openapi/v1/instance/get", "jobId", jobId, "jobInstanceId", waiting.id())
        .body().path("data").path("jobInstanceDetail").path("status").asInt()).isEqualTo(1);
    assertOk(as(Style.GO, "/openapi/v1/instance/kill", "jobId", jobId, "instanceId", waiting.id()));
    // KILLED reads as FAILED (5): the official client's InstanceStatus has no 6; the result says it was killed
    JsonNode killed = as(Style.JAVA, "/openapi/v1/instance/get", "jobId", jobId, "jobInstanceId", waiting.id())
        .body().path("data").path("jobInstanceDetail");
    assertThat(killed.path("status").asInt()).isEqualTo(5);
    assertThat(killed.path("result").asText()).contains("killed");

    assertOk(as(Style.GO, "/openapi/v1/job/delete", "jobId", jobId));
    assertRefused(as(Style.JAVA, "/openapi/v1/job/get", "jobId", jobId), 404, "no job " + jobId + " in group g");
  }

  private static JsonNode detail(long jobId, long instanceId) throws Exception {
    return as(Style.GO, "/openapi/v1/instance/get", "jobId", jobId, "jobInstanceId", instanceId).body().path("data").path("jobInstanceDetail");
  }

  @Test
  void aFailedInstanceCanBeRetriedAsANewAttemptOrSetToSuccess() throws Exception {
    long jobId = create(Style.JAVA, "retried");
    long first = as(Style.JAVA, "/openapi/v1/job/execute", "jobId", jobId, "instanceParameters", "p").body().path("data").path("jobInstanceId").asLong();
    await().atMost(Duration.ofSeconds(10)).until(() -> detail(jobId, first).path("status").asInt() == 5); // no worker in g

    Answer retried = as(Style.GO, "/openapi/v1/instance/retry", "jobId", jobId, "instanceId", first);
    assertOk(retried);
    long second = retried.body().path("data").path("jobInstanceId").asLong();
    assertThat(second).isNotEqualTo(first);
    await().atMost(Duration.ofSeconds(10)).until(() -> detail(jobId, second).path("status").asInt() == 5);
    JsonNode again = detail(jobId, second);
    assertThat(again.path("attempt").asInt()).isEqualTo(1);
    assertThat(again.path("scheduleTime").asText()).isEqualTo(detail(jobId, first).path("scheduleTime").asText());
    assertThat(again.path("parameters").asText()).isEqualTo("p");
    // Retrying the first run again takes the next free attempt.
    long third = as(Style.JAVA, "/openapi/v1/instance/retry", "jobId", jobId, "instanceId", first).body().path("data").path("jobInstanceId").asLong();
    assertThat(detail(jobId, third).path("attempt").asInt()).isEqualTo(2);

    assertOk(as(Style.JAVA, "/openapi/v1/instance/setSuccess", "jobId", jobId, "id", first));
    JsonNode succeeded = detail(jobId, first);
    assertThat(succeeded.path("status").asInt()).isEqualTo(4);
    assertThat(succeeded.path("result").asText()).startsWith("set to SUCCESS through the OpenAPI by openapi (was FAILED: no live worker");
    assertRefused(as(Style.JAVA, "/openapi/v1/instance/setSuccess", "jobId", jobId, "instanceId", first), 400,
        "is SUCCESS: only a FAILED or KILLED instance can be set to SUCCESS");
    assertRefused(as(Style.GO, "/openapi/v1/instance/retry", "jobId", jobId, "instanceId", first), 400,
        "is SUCCESS: only a FAILED or KILLED instance can be retried");
    assertRefused(as(Style.GO, "/openapi/v1/instance/retry", "jobId", jobId), 400, "instanceId is required");
    assertRefused(as(Style.GO, "/openapi/v1/instance/retry", "jobId", jobId, "instanceId", 987654321L), 404, "no instance 987654321");
  }

  @Test
  void jobsAreListedAndEnabledDisabledOrDeletedInBatches() throws Exception {
    long a = create(Style.JAVA, "batch-a");
    long b = create(Style.GO, "batch-b");
    asGroup("other", "other-key", Style.JAVA, "/openapi/v1/job/create", "name", "batch-other", "jobType", "java",
        "content", "{\"className\":\"X\"}", "timeType", 100, "timeExpression", "");

    List<String> names = as(Style.JAVA, "/openapi/v1/job/list").body().path("data").path("jobConfigInfos").findValuesAsText("name");
    assertThat(names).contains("batch-a", "batch-b").doesNotContain("batch-other");
    assertThat(as(Style.GO, "/openapi/v1/job/list", "jobName", "batch-b").body().path("data").path("jobConfigInfos").findValuesAsText("jobId"))
        .containsExactly(Long.toString(b));

    assertOk(as(Style.JAVA, "/openapi/v1/job/batchDisable", "jobIdList", a + "," + b));
    assertThat(as(Style.GO, "/openapi/v1/job/list", "status", 0).body().path("data").path("jobConfigInfos").findValuesAsText("name"))
        .contains("batch-a", "batch-b");
    assertOk(as(Style.GO, "/openapi/v1/job/batchEnable", "jobIdList", List.of(a, b)));
    assertThat(as(Style.GO, "/openapi/v1/job/list", "status", 0).body().path("data").path("jobConfigInfos").findValuesAsText("name"))
        .doesNotContain("batch-a", "batch-b");

    // One unknown id: nothing is deleted.
    assertRefused(as(Style.JAVA, "/openapi/v1/job/batchDelete", "jobIdList", a + ",987654321"), 404, "no job 987654321 in group g");
    assertOk(as(Style.JAVA, "/openapi/v1/job/get", "jobId", a));
    assertRefused(as(Style.JAVA, "/openapi/v1/job/batchDelete", "jobIdList", "a,b"), 400, "jobIdList must hold job ids");
    assertOk(as(Style.JAVA, "/openapi/v1/job/batchDelete", "jobIdList", a + "," + b));
    assertRefused(as(Style.JAVA, "/openapi/v1/job/get", "jobId", b), 404, "no job " + b);
  }

  @Test
  void anOpenApiUpdateKeepsTheConcurrencyPolicySetThroughTheRestApi() throws Exception {
    String spec = "{\"group\":\"g\",\"name\":\"serial\",\"processor\":\"com.example.Serial\",\"concurrencyPolicy\":\"queue\"}";
    long jobId = JSON.readTree(rest("POST", "/api/v1/jobs", spec)).path("id").asLong();

    assertOk(as(Style.JAVA, "/openapi/v1/job/update", "jobId", jobId, "maxConcurrency", 3));

    JsonNode stored = JSON.readTree(rest("GET", "/api/v1/jobs/serial", null)).path("spec");
    assertThat(stored.path("maxConcurrency").asInt()).isEqualTo(3);
    assertThat(stored.path("concurrencyPolicy").asText()).isEqualTo("queue");
  }

  private static String rest(String method, String path, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(200);
    return response.body();
  }

  @Test
  void aJobOfAnotherGroupIsRefused() throws Exception {
    long jobId = create(Style.JAVA, "mine");

    assertRefused(asGroup("other", "other-key", Style.JAVA, "/openapi/v1/job/get", "jobId", jobId), 404, "no job " + jobId + " in group other");
    assertRefused(asGroup("other", "other-key", Style.GO, "/openapi/v1/job/execute", "jobId", jobId), 404, "in group other");
    assertRefused(asGroup("other", "other-key", Style.GO, "/openapi/v1/job/delete", "jobId", jobId), 404, "in group other");
    // Claiming group g in the body while signed as other is refused too.
    Map<String, Object> params = Map.of("groupId", "g", "jobId", jobId);
    assertRefused(call("/openapi/v1/job/get", signed("other", "other-key", Style.JAVA, System.currentTimeMillis()), Style.JAVA, params),
        401, "does not match openapi-groupid other");
    assertOk(as(Style.JAVA, "/openapi/v1/job/get", "jobId", jobId));
  }

  @Test
  void badParametersAre400WithOneLine() throws Exception {
    assertRefused(as(Style.JAVA, "/openapi/v1/job/create", "name", "no-content", "timeType", 100), 400, "content is required");
    assertRefused(as(Style.GO, "/openapi/v1/job/create", "name", "bad-type", "jobType", "perl",
        "content", "{\"className\":\"X\"}"), 400, "jobType \"perl\" is not supported");
    assertRefused(as(Style.JAVA, "/openapi/v1/job/create", "name", "bad-cron", "content", "{\"className\":\"X\"}",
        "timeType", 1, "timeExpression", "61 * * * * ?"), 400, "cron expression");
    assertRefused(as(Style.JAVA, "/openapi/v1/job/create", "name", "bad-tt", "content", "{\"className\":\"X\"}",
        "timeType", 2), 400, "timeType 2 is not supported");
    assertRefused(as(Style.GO, "/openapi/v1/job/get", "jobId", "abc"), 400, "jobId must be an integer");
    assertRefused(as(Style.GO, "/openapi/v1/job/get"), 400, "jobId is required");
    create(Style.JAVA, "twice");
    assertRefused(as(Style.GO, "/openapi/v1/job/create", "name", "twice", "content", "{\"className\":\"X\"}", "timeType", 100),
        400, "already exists");
  }

  @Test
  void unsupportedPathsAnswerTheEnvelopeNamingThePath() throws Exception {
    assertRefused(as(Style.JAVA, "/openapi/v1/strategy/createRouteStrategy", "name", "s"), 404,
        "/openapi/v1/strategy/createRouteStrategy is not supported by this server");
    assertRefused(as(Style.GO, "/openapi/v1/permission/grant"), 404, "/openapi/v1/permission/grant is not supported");
  }

  @Test
  void batchCallsTakeTheJavaClientsJsonIdArrayAndChangeNothingWhenOneIdIsForeign() throws Exception {
    long a = create(Style.JAVA, "json-a");
    long b = create(Style.JAVA, "json-b");
    assertOk(as(Style.JAVA, "/openapi/v1/job/batchDisable", "jobIdJson", "[" + a + "," + b + "]"));
    assertThat(as(Style.GO, "/openapi/v1/job/list", "status", 0).body().path("data").path("jobConfigInfos")
        .findValuesAsText("name")).contains("json-a", "json-b");
    assertRefused(as(Style.JAVA, "/openapi/v1/job/batchEnable", "jobIdJson", "[" + a + ",999999]"), 404, "no job 999999");
    assertThat(as(Style.GO, "/openapi/v1/job/get", "jobId", a).body().path("data").path("jobConfigInfo").path("status").asInt())
        .as("nothing enabled when one id is unknown").isZero();
    assertRefused(as(Style.JAVA, "/openapi/v1/job/batchEnable", "jobIdJson", "[\"x\"]"), 400, "must hold job ids");
  }
}
