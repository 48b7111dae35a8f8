package dev.schedulerx.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.server.dispatch.MutableClock;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.JobRepository;
import dev.schedulerx.server.store.ServerDatabase;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Delivery against real HTTP receivers: each platform's body and signature, retries with backoff and Retry-After,
 * a dead target, rate limit and silence window with their digest, and the claim that lets only one node send a
 * row (also after a node died holding it). Time in rules and backoff is a {@link MutableClock}; sending is real.
 */
class AlertDeliveryTest {
  private static final Duration WITHIN = Duration.ofSeconds(10);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
  private final ServerDatabase database =
      ServerDatabase.open("jdbc:h2:mem:alerts-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 4);
  private final List<AutoCloseable> closeLast = new ArrayList<>();
  private final List<AlertService> services = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    services.forEach(AlertService::close);
    for (AutoCloseable c : closeLast) {
      c.close();
    }
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP ALL OBJECTS");
    } finally {
      database.close();
    }
  }

  private WebhookReceiver receiver() {
    WebhookReceiver r = new WebhookReceiver();
    closeLast.add(r);
    return r;
  }

  private static AlertSettings settings(List<ChannelSettings> channels) {
    return new AlertSettings(true, "http://console.example", channels, List.of(), 3, Duration.ofSeconds(1),
        Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMillis(30), Duration.ofSeconds(2),
        AlertSettings.Smtp.NONE);
  }

  private AlertService start(AlertSettings settings, String node, BooleanSupplier leader) {
    AlertService s = new AlertService(settings, database.dataSource(), new JobRepository(database.dataSource()),
        new InstanceRepository(database.dataSource()), job -> Optional.empty(), clock, node, leader,
        () -> "http://127.0.0.1:1", null);
    services.add(s);
    return s.start();
  }

  private static ChannelSettings channel(String name, String type, String url, String secret, boolean atAll, int rate) {
    return new ChannelSettings(name, type, url, secret, "", atAll, List.of(), List.of(), rate, Duration.ofMinutes(1),
        List.of(), ZoneOffset.UTC);
  }

  private Alert alert(String key, AlertKind kind) {
    return new Alert(key, kind, "g", 7L, "nightly", 42L, 0, "w1@127.0.0.1:7001", "boom: disk full",
        clock.instant().minusSeconds(60), clock.instant().minusSeconds(59), clock.instant(), clock.instant(),
        "http://console.example/console/#/instances/42", 3, false, List.of());
  }

  private static AlertService.Target to(String channel) {
    return new AlertService.Target(channel, null);
  }

  private String status(AlertService s, String key) {
    return s.store().recent(1000, null, null, null).stream().filter(r -> r.key().equals(key)).findFirst()
        .map(AlertStore.Row::status).orElse("none");
  }

  @Test
  void eachPlatformGetsItsOwnBodyAndASignatureThatVerifiesAgainstTheSecret() {
    WebhookReceiver r = receiver();
    r.otherwise(200, "{\"errcode\":0,\"code\":0,\"msg\":\"success\"}");
    AlertService s = start(settings(List.of(
        new ChannelSettings("ding", "dingtalk", r.url("/robot/send?access_token=T1"), "SECding", "SchedulerX", true,
            List.of("13800000000"), List.of(), 20, null, List.of(), null),
        channel("wecom", "wecom", r.url("/cgi-bin/webhook/send?key=K"), "", true, 20),
        channel("lark", "lark", r.url("/open-apis/bot/v2/hook/ID"), "SEClark", true, 100),
        channel("slack", "slack", r.url("/services/X/Y/Z"), "", false, 60),
        channel("hook", "webhook", r.url("/alerts"), "whsec", false, 0))), "n1", () -> true);

    s.raise(alert("FAILURE:job:7:instance:42", AlertKind.FAILURE),
        List.of(to("ding"), to("wecom"), to("lark"), to("slack"), to("hook")));

    await().atMost(WITHIN).until(() -> r.requests().size() == 5);
    Map<String, WebhookReceiver.Request> byPath = new java.util.HashMap<>();
    r.requests().forEach(q -> byPath.put(q.path(), q));

    WebhookReceiver.Request ding = byPath.get("/robot/send");
    long ts = Long.parseLong(ding.queryParam("timestamp"));
    assertThat(ding.queryParam("access_token")).isEqualTo("T1");
    assertThat(URLDecoder.decode(ding.queryParam("sign"), StandardCharsets.UTF_8))
        .isEqualTo(Base64.getEncoder().encodeToString(
            Signatures.hmac("SECding".getBytes(StandardCharsets.UTF_8), (ts + "\nSECding").getBytes(StandardCharsets.UTF_8))));
    JsonNode dj = ding.json();
    assertThat(dj.path("msgtype").asText()).isEqualTo("text");
    assertThat(dj.path("text").path("content").asText())
        .contains("SchedulerX", "job nightly failed", "group: g", "instance: 42", "w1@127.0.0.1:7001", "boom: disk full",
            "http://console.example/console/#/instances/42");
    assertThat(dj.path("at").path("isAtAll").asBoolean()).isTrue();
    assertThat(dj.path("at").path("atMobiles").get(0).asText()).isEqualTo("13800000000");

    JsonNode wj = byPath.get("/cgi-bin/webhook/send").json();
    assertThat(wj.path("msgtype").asText()).isEqualTo("text");
    assertThat(wj.path("text").path("content").asText()).contains("job nightly failed");
    assertThat(wj.path("text").path("mentioned_list").get(0).asText()).isEqualTo("@all");

    JsonNode lj = byPath.get("/open-apis/bot/v2/hook/ID").json();
    long lts = Long.parseLong(lj.path("timestamp").asText());
    assertThat(lj.path("sign").asText()).isEqualTo(Base64.getEncoder().encodeToString(
        Signatures.hmac((lts + "\nSEClark").getBytes(StandardCharsets.UTF_8), new byte[0])));
    assertThat(lj.path("msg_type").asText()).isEqualTo("text");
    assertThat(lj.path("content").path("text").asText()).contains("job nightly failed", "<at user_id=\"all\">");

    assertThat(byPath.get("/services/X/Y/Z").json().path("text").asText()).contains("job nightly failed");

    WebhookReceiver.Request hook = byPath.get("/alerts");
    String hts = hook.header("X-SchedulerX-Timestamp");
    assertThat(hook.header("X-SchedulerX-Signature"))
        .isEqualTo("v1=" + java.util.HexFormat.of().formatHex(Signatures.hmac("whsec".getBytes(StandardCharsets.UTF_8),
            (hts + "." + hook.body()).getBytes(StandardCharsets.UTF_8))));
    JsonNode hj = hook.json();
    assertThat(hj.path("schema").asText()).isEqualTo("schedulerx.alert.v1");
    assertThat(hj.path("id").asText()).isEqualTo("FAILURE:job:7:instance:42@hook").isEqualTo(hook.header("Idempotency-Key"));
    assertThat(hj.path("type").asText()).isEqualTo("FAILURE");
    assertThat(hj.path("group").asText()).isEqualTo("g");
    assertThat(hj.path("job").path("name").asText()).isEqualTo("nightly");
    assertThat(hj.path("instance").path("id").asLong()).isEqualTo(42);
    assertThat(hj.path("instance").path("worker").asText()).isEqualTo("w1@127.0.0.1:7001");
    assertThat(hj.path("instance").path("startTime").asText()).isEqualTo("2026-12-02T09:59:01Z");
    assertThat(hj.path("reason").asText()).isEqualTo("boom: disk full");
    assertThat(hj.path("link").asText()).isEqualTo("http://console.example/console/#/instances/42");

    await().atMost(WITHIN).until(() -> s.store().recent(10, null, "SENT", null).size() == 5);
  }

  @Test
  void a429IsRetriedAfterWhatRetryAfterAsksAndA500AfterTheBackoffWithTheSameIdempotencyKey() {
    WebhookReceiver r = receiver();
    r.thenAnswer(429, Map.of("Retry-After", "30"), "slow down").thenAnswer(500, Map.of(), "oops");
    AlertService s = start(settings(List.of(channel("hook", "webhook", r.url("/a"), "", false, 0))), "n1", () -> true);

    s.raise(alert("FAILURE:1", AlertKind.FAILURE), List.of(to("hook")));
    await().atMost(WITHIN).until(() -> r.requests().size() == 1);
    clock.advance(Duration.ofSeconds(20)); // backoff (1 s) is over, Retry-After (30 s) is not
    await().during(Duration.ofMillis(300)).atMost(WITHIN).until(() -> r.requests().size() == 1);
    clock.advance(Duration.ofSeconds(11));
    await().atMost(WITHIN).until(() -> r.requests().size() == 2); // answered 500: next after 2 s (second backoff)
    clock.advance(Duration.ofMillis(1500));
    await().during(Duration.ofMillis(300)).atMost(WITHIN).until(() -> r.requests().size() == 2);
    clock.advance(Duration.ofMillis(600));
    await().atMost(WITHIN).until(() -> status(s, "FAILURE:1@hook").equals("SENT"));

    assertThat(r.requests()).hasSize(3).extracting(q -> q.header("Idempotency-Key")).containsOnly("FAILURE:1@hook");
    AlertStore.Row row = s.store().recent(1, null, null, null).get(0);
    assertThat(row.attempts()).isEqualTo(3);
  }

  @Test
  void aDeadTargetEndsFailedAfterItsAttemptsWithoutHoldingBackAnotherTarget() throws Exception {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    WebhookReceiver live = receiver();
    AlertService s = start(settings(List.of(
        channel("dead", "webhook", "http://127.0.0.1:" + deadPort + "/x", "", false, 0),
        channel("live", "slack", live.url("/s"), "", false, 0))), "n1", () -> true);

    s.raise(alert("FAILURE:2", AlertKind.FAILURE), List.of(to("dead"), to("live")));
    await().atMost(WITHIN).until(() -> live.requests().size() == 1);
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(10));
      int attempt = i;
      await().atMost(WITHIN).until(() -> !status(s, "FAILURE:2@dead").equals("SENDING")
          && (s.store().recent(10, null, null, null).stream().anyMatch(x -> x.target().equals("dead") && x.attempts() > attempt)
              || status(s, "FAILURE:2@dead").equals("FAILED")));
    }
    await().atMost(WITHIN).until(() -> status(s, "FAILURE:2@dead").equals("FAILED"));
    AlertStore.Row dead = s.store().recent(10, null, "FAILED", null).get(0);
    assertThat(dead.attempts()).isEqualTo(3);
    assertThat(dead.lastError()).contains("unreachable").contains("after 3 attempts");
    assertThat(status(s, "FAILURE:2@live")).isEqualTo("SENT");
  }

  @Test
  void beyondTheRateLimitAlertsAreSuppressedAndOneDigestCountsThemOnceTheWindowAllows() {
    WebhookReceiver r = receiver();
    AlertService s = start(settings(List.of(channel("ding", "dingtalk", r.url("/robot/send?access_token=T"), "", false, 3))),
        "n1", () -> true);

    for (int i = 1; i <= 10; i++) {
      s.raise(alert("FAILURE:job:7:instance:" + i, AlertKind.FAILURE), List.of(to("ding")));
    }
    await().atMost(WITHIN).until(() -> s.store().recent(100, null, "SUPPRESSED", null).size() == 7);
    assertThat(r.requests()).hasSize(3);
    clock.advance(Duration.ofSeconds(30)); // still inside the minute: no digest yet
    await().during(Duration.ofMillis(300)).atMost(WITHIN).until(() -> r.requests().size() == 3);

    clock.advance(Duration.ofSeconds(31));
    await().atMost(WITHIN).until(() -> r.requests().size() == 4);
    String digest = r.requests().get(3).json().path("text").path("content").asText();
    assertThat(digest).contains("digest of suppressed alerts", "7 alert(s) not sent", "7 x FAILURE of job nightly");
    await().during(Duration.ofMillis(300)).atMost(WITHIN).until(() -> r.requests().size() == 4);
    assertThat(s.store().recent(100, null, "SUPPRESSED", null)).allMatch(x -> x.digestId() != null);
  }

  @Test
  void duringASilenceWindowNothingIsSentAndTheDigestFollowsItsEnd() {
    WebhookReceiver r = receiver();
    ChannelSettings quiet = new ChannelSettings("quiet", "slack", r.url("/s"), "", "", false, List.of(), List.of(), 0, null,
        List.of(new ChannelSettings.Silence(LocalTime.of(9, 0), LocalTime.of(11, 0))), ZoneOffset.UTC);
    AlertService s = start(settings(List.of(quiet)), "n1", () -> true);

    s.raise(alert("TIMEOUT:1", AlertKind.TIMEOUT), List.of(to("quiet")));
    s.raise(alert("FAILURE:1", AlertKind.FAILURE), List.of(to("quiet")));
    await().atMost(WITHIN).until(() -> s.store().recent(10, null, "SUPPRESSED", null).size() == 2);
    assertThat(s.store().recent(10, null, "SUPPRESSED", null)).allMatch(x -> x.lastError().startsWith("silence window"));
    await().during(Duration.ofMillis(300)).atMost(WITHIN).until(() -> r.requests().isEmpty());

    clock.advance(Duration.ofHours(1)); // 11:00: the window is over
    await().atMost(WITHIN).until(() -> r.requests().size() == 1);
    assertThat(r.requests().get(0).json().path("text").asText()).contains("2 alert(s) not sent");
  }

  @Test
  void twoNodesSendingAtOnceDeliverEachAlertOnce() {
    WebhookReceiver r = receiver();
    AlertSettings both = settings(List.of(channel("hook", "webhook", r.url("/a"), "", false, 0)));
    AlertService a = start(both, "node-a", () -> true);
    AlertService b = start(both, "node-b", () -> true);

    for (int i = 0; i < 40; i++) {
      (i % 2 == 0 ? a : b).raise(alert("FAILURE:" + i, AlertKind.FAILURE), List.of(to("hook")));
      // the other node raising the same alert again changes nothing
      (i % 2 == 0 ? b : a).raise(alert("FAILURE:" + i, AlertKind.FAILURE), List.of(to("hook")));
    }
    await().atMost(WITHIN).until(() -> a.store().recent(100, null, "SENT", null).size() == 40);
    await().during(Duration.ofMillis(300)).atMost(WITHIN).until(() -> r.requests().size() == 40);
    assertThat(r.byIdempotencyKey()).hasSize(40).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
  }

  @Test
  void anAlertClaimedByANodeThatDiedIsSentByTheLeaderOnceTheClaimExpired() {
    WebhookReceiver r = receiver();
    AlertSettings set = settings(List.of(channel("hook", "webhook", r.url("/a"), "", false, 0)));
    boolean[] leading = {false};
    AlertService s = start(set, "new-leader", () -> leading[0]);
    s.raise(alert("FAILURE:9", AlertKind.FAILURE), List.of(to("hook")));
    long id = s.store().idOfKey("FAILURE:9@hook").orElseThrow();
    // The old leader claimed it and died mid-send (kill -9): the row stays SENDING under its claim.
    assertThat(s.store().claim(id, "old-leader", clock.instant(), clock.instant().plus(set.claimLease()))).isTrue();

    leading[0] = true;
    await().during(Duration.ofMillis(300)).atMost(WITHIN).until(() -> r.requests().isEmpty());
    clock.advance(set.claimLease().plusSeconds(1));
    await().atMost(WITHIN).until(() -> status(s, "FAILURE:9@hook").equals("SENT"));
    assertThat(r.requests()).hasSize(1);
    assertThat(r.requests().get(0).header("Idempotency-Key")).isEqualTo("FAILURE:9@hook");
  }

  @Test
  void aFollowerSendsNothing() {
    WebhookReceiver r = receiver();
    AlertService s = start(settings(List.of(channel("hook", "webhook", r.url("/a"), "", false, 0))), "f", () -> false);
    s.raise(alert("FAILURE:3", AlertKind.FAILURE), List.of(to("hook")));
    await().during(Duration.ofMillis(400)).atMost(WITHIN).until(() -> r.requests().isEmpty());
    assertThat(status(s, "FAILURE:3@hook")).isEqualTo("PENDING");
  }

  @Test
  void aChannelNamedByNobodyIsRecordedFailedNamingTheFix() {
    AlertService s = start(settings(List.of()), "n1", () -> true);
    s.raise(alert("FAILURE:4", AlertKind.FAILURE), List.of(to("ops")));
    await().atMost(WITHIN).until(() -> status(s, "FAILURE:4@ops").equals("FAILED"));
    assertThat(s.store().recent(1, null, null, null).get(0).lastError())
        .contains("no channel named ops", "schedulerx-server.alerting.channels");
  }
}
