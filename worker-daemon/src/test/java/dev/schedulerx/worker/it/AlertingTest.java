package dev.schedulerx.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.server.alert.AlertSettings;
import dev.schedulerx.server.alert.ChannelSettings;
import dev.schedulerx.server.alert.WebhookReceiver;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.ServerDatabase;
import dev.schedulerx.server.store.TriggerType;
import dev.schedulerx.server.workflow.WfNode;
import dev.schedulerx.server.workflow.Workflow;
import dev.schedulerx.server.workflow.Workflows;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.it.alertplugins.HalfFailingMapProcessor;
import dev.schedulerx.worker.testing.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alert rules end to end: a real server with alerting, a real worker daemon running the test processors over TCP,
 * and a real HTTP receiver per target checking what arrives. Each job's monitorConfig and contact are the JSON
 * texts SchedulerX clients send.
 */
class AlertingTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  /** Long enough for an alert that should not come to have come: the dispatcher polls every 50 ms. */
  private static final Duration QUIET = Duration.ofMillis(1500);

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();
  private TestServer server;
  private WebhookReceiver hook;

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** The server's database (H2 in memory), to leave in it what a leader that died would have. */
  private final String db = "jdbc:h2:mem:alerting-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

  private void start(boolean withWorker, ChannelSettings... extra) throws Exception {
    hook = new WebhookReceiver();
    open.add(hook);
    List<ChannelSettings> channels = new ArrayList<>();
    channels.add(new ChannelSettings("hook", "webhook", hook.url("/alerts"), "whsec", "", false, List.of(), List.of(), 0,
        null, List.of(), null));
    channels.addAll(List.of(extra));
    AlertSettings alerting = new AlertSettings(true, "http://console.example", channels, List.of(), 3,
        Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofMillis(50), Duration.ofSeconds(2),
        AlertSettings.Smtp.NONE)
        .withSweep(Duration.ofMinutes(10), Duration.ofMillis(200)); // every test also shows the sweep adds nothing
    server = TestServer.withAlerting(alerting, db);
    open.add(server);
    if (withWorker) {
      TestDaemons daemons = new TestDaemons();
      open.add(daemons);
      WorkerDaemon daemon = daemons.start(server.domain(), TestServer.APP_KEY, dir);
      open.add(daemon);
      daemon.awaitReady(DEADLINE);
    }
  }

  /** Stores a job through the REST API with the monitorConfig and contact JSON texts a SchedulerX client sends. */
  private void job(String name, String processor, String more, String monitorConfig, String contact) {
    server.upsertJob(name, processor, (more.isEmpty() ? "" : more + ",") + "\"monitorConfig\":" + quote(monitorConfig)
        + ",\"contact\":" + quote(contact));
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private JsonNode run(String job) {
    return server.awaitFinished(server.trigger(job, ""), DEADLINE);
  }

  private List<JsonNode> alerts() {
    return hook.requests().stream().map(WebhookReceiver.Request::json).toList();
  }

  private List<JsonNode> alertsOf(String type) {
    return alerts().stream().filter(a -> a.path("type").asText().equals(type)).toList();
  }

  private void quietFor(int expectedRequests) {
    await().during(QUIET).atMost(DEADLINE).until(() -> hook.requests().size() == expectedRequests);
  }

  private static final String TO_HOOK = "[{\"userName\":\"ops\",\"ding\":\"hook\"}]";
  private static final String FLAKY = "{\"failEnable\":true,\"failLimitTimes\":3,\"sendChannel\":\"ding\"}";

  @Test
  void threeFailuresInARowAlertOnceOnTheThirdAndTheNextSuccessSendsARecoveryNotice() throws Exception {
    start(true);
    job("flaky", "Throwing", "", FLAKY, TO_HOOK);

    assertThat(run("flaky").path("state").asText()).isEqualTo("FAILED");
    assertThat(run("flaky").path("state").asText()).isEqualTo("FAILED");
    quietFor(0);
    JsonNode third = run("flaky");
    await().atMost(DEADLINE).until(() -> hook.requests().size() == 1);
    quietFor(1);
    JsonNode failure = alerts().get(0);
    assertThat(failure.path("type").asText()).isEqualTo("FAILURE");
    assertThat(failure.path("count").asInt()).isEqualTo(3);
    assertThat(failure.path("group").asText()).isEqualTo(TestServer.GROUP);
    assertThat(failure.path("job").path("name").asText()).isEqualTo("flaky");
    assertThat(failure.path("instance").path("id").asLong()).isEqualTo(third.path("id").asLong());
    assertThat(failure.path("instance").path("worker").asText()).contains(third.path("workerAddr").asText());
    assertThat(failure.path("reason").asText()).isEqualTo(third.path("result").asText()).isNotEmpty();
    assertThat(failure.path("instance").path("startTime").asText()).isNotEmpty();
    assertThat(failure.path("link").asText()).isEqualTo("http://console.example/console/#/instances/" + third.path("id").asLong());
    assertThat(hook.requests().get(0).header("Idempotency-Key")).isEqualTo(failure.path("id").asText());

    job("flaky", "Ok", "", FLAKY, TO_HOOK); // fixed
    JsonNode ok = run("flaky");
    await().atMost(DEADLINE).until(() -> hook.requests().size() == 2);
    JsonNode recovery = alerts().get(1);
    assertThat(recovery.path("type").asText()).isEqualTo("RECOVERY");
    assertThat(recovery.path("instance").path("id").asLong()).isEqualTo(ok.path("id").asLong());
    assertThat(recovery.path("reason").asText()).contains("after 3 failed run(s)");

    // The streak starts again: one more failure is below the limit.
    job("flaky", "Throwing", "", FLAKY, TO_HOOK);
    run("flaky");
    run("flaky");
    quietFor(2);

    JsonNode history = server.call("GET", "/api/v1/alerts", null);
    assertThat(history).hasSize(2);
    assertThat(history.get(0).path("kind").asText()).isEqualTo("RECOVERY");
    assertThat(history.get(1).path("status").asText()).isEqualTo("SENT");
    assertThat(history.toString()).doesNotContain("/alerts\"").doesNotContain("whsec");
  }

  @Test
  void rulesSetWhileARunGoesOnApplyFromTheNextRun() throws Exception {
    start(true);
    String failsOnRelease = "\"parameters\":\"await fail\""; // the test processor waits for <dir>/<job>, then fails
    job("late-rules", "WorkflowNode", failsOnRelease, "", "");
    long first = server.trigger("late-rules", dir.toString());
    await().atMost(DEADLINE).until(() -> Files.exists(dir.resolve("late-rules.started")));

    job("late-rules", "WorkflowNode", failsOnRelease, "{\"failEnable\":true,\"failLimitTimes\":1}", TO_HOOK);
    Files.writeString(dir.resolve("late-rules"), "go");
    assertThat(server.awaitFinished(first, DEADLINE).path("state").asText()).isEqualTo("FAILED");
    quietFor(0);

    long second = server.trigger("late-rules", dir.toString());
    assertThat(server.awaitFinished(second, DEADLINE).path("state").asText()).isEqualTo("FAILED");
    await().atMost(DEADLINE).until(() -> hook.requests().size() == 1);
    assertThat(alerts().get(0).path("type").asText()).isEqualTo("FAILURE");
    assertThat(alerts().get(0).path("instance").path("id").asLong()).isEqualTo(second);
  }

  @Test
  void anInstancesOwnRetriesCountAsOneRunAndSuccessNoticesComeOnlyOnSuccess() throws Exception {
    start(true);
    job("retrying", "Throwing", "\"maxAttempt\":1,\"attemptInterval\":0",
        "{\"failLimitTimes\":2,\"successNotice\":true}", TO_HOOK);

    JsonNode first = run("retrying");
    // attempt 0 failed, its retry (attempt 1) too: one run, one failure of the two the rule waits for
    await().atMost(DEADLINE).until(() -> server.call("GET", "/api/v1/jobs/retrying/instances", null).size() == 2
        && server.call("GET", "/api/v1/jobs/retrying/instances", null).get(0).path("finishedAt").isTextual());
    quietFor(0);
    assertThat(first.path("state").asText()).isEqualTo("FAILED");

    run("retrying");
    await().atMost(DEADLINE).until(() -> hook.requests().size() == 1);
    assertThat(alerts().get(0).path("type").asText()).isEqualTo("FAILURE");
    assertThat(alerts().get(0).path("count").asInt()).isEqualTo(2);
    assertThat(alerts().get(0).path("instance").path("attempt").asInt()).isEqualTo(1);

    job("retrying", "Ok", "\"maxAttempt\":1,\"attemptInterval\":0", "{\"failLimitTimes\":2,\"successNotice\":true}",
        TO_HOOK);
    run("retrying");
    await().atMost(DEADLINE).until(() -> hook.requests().size() == 3);
    assertThat(alerts().stream().map(a -> a.path("type").asText())).containsExactlyInAnyOrder("FAILURE", "RECOVERY",
        "SUCCESS");
  }

  @Test
  void aTimeoutAlertsAndTheRunGoesOnUnlessTimeoutKillEnableStopsIt() throws Exception {
    start(true);
    job("slow", "Blocking", "", "{\"timeout\":1,\"timeoutKillEnable\":false}", TO_HOOK);
    job("slowkilled", "Blocking", "", "{\"timeout\":1,\"timeoutKillEnable\":true}", TO_HOOK);

    long slow = server.trigger("slow", "");
    long killed = server.trigger("slowkilled", "");
    await().atMost(DEADLINE).until(() -> alertsOf("TIMEOUT").size() == 2);

    JsonNode killedRun = server.awaitFinished(killed, DEADLINE);
    assertThat(killedRun.path("state").asText()).isEqualTo("FAILED");
    assertThat(killedRun.path("result").asText()).contains("timeout", "timeoutKillEnable");
    JsonNode slowRun = server.instance(slow);
    assertThat(slowRun.path("state").asText()).isEqualTo("RUNNING");
    assertThat(Duration.between(Instant.parse(slowRun.path("startedAt").asText()), Instant.now()))
        .isGreaterThan(Duration.ofSeconds(1));
    for (JsonNode a : alertsOf("TIMEOUT")) {
      boolean kill = a.path("job").path("name").asText().equals("slowkilled");
      assertThat(a.path("reason").asText()).contains("still running after 1 s")
          .contains(kill ? "the run is stopped" : "the run goes on");
    }
    quietFor(hook.requests().size()); // one timeout alert per run, however long it runs
    assertThat(alertsOf("TIMEOUT")).hasSize(2);
    server.call("POST", "/api/v1/instances/" + slow + "/kill", "");
  }

  @Test
  void aRunDueWithNoLiveWorkerSendsANoMachineAlert() throws Exception {
    start(false);
    job("orphan", "Ok", "", "{\"missWorkerEnable\":true,\"failEnable\":false}", TO_HOOK);

    JsonNode run = run("orphan");
    assertThat(run.path("result").asText()).contains("no live worker");
    await().atMost(DEADLINE).until(() -> hook.requests().size() == 1);
    JsonNode alert = alerts().get(0);
    assertThat(alert.path("type").asText()).isEqualTo("NO_WORKER");
    assertThat(alert.path("reason").asText()).isEqualTo("no live worker in group " + TestServer.GROUP);
    assertThat(alert.path("instance").path("id").asLong()).isEqualTo(run.path("id").asLong());
    quietFor(1); // failEnable false: no failure alert besides
  }

  @Test
  void aFailedWorkflowRunAlertsOnceToItsGroupsContactsNamingEachFailedNode() throws Exception {
    start(true);
    server.call("PUT", "/api/v1/groups/" + TestServer.GROUP, "{\"monitorConfig\":" + quote("{\"failEnable\":true}")
        + ",\"contact\":" + quote(TO_HOOK) + "}");
    long a = nodeJob("A", "");
    long f = nodeJob("F", "fail");
    long d = nodeJob("D", "");
    Workflows workflows = server.workflows();
    Workflow w = workflows.create(new Workflows.Spec(TestServer.GROUP, "nightly", null, null, null, null, null, null,
        null, null));
    workflows.updateDag(w.id(), "{\"nodes\":[{\"id\":" + a + "},{\"id\":" + f + "},{\"id\":" + d + "}],"
        + "\"edges\":[{\"source\":" + f + ",\"target\":" + d + "}]}");

    long runId = workflows.execute(w.id(), dir.toString()).id();
    await().atMost(DEADLINE).until(() -> workflows.run(runId).run().state() == InstanceState.FAILED);
    WfNode failed = workflows.run(runId).nodes().stream().filter(n -> n.jobName().equals("F")).findFirst().orElseThrow();

    await().atMost(DEADLINE).until(() -> alertsOf("WORKFLOW_FAILURE").size() == 1);
    quietFor(hook.requests().size());
    assertThat(alertsOf("WORKFLOW_FAILURE")).as("one alert per failed run").hasSize(1);
    JsonNode alert = alertsOf("WORKFLOW_FAILURE").get(0);
    assertThat(alert.path("title").asText()).isEqualTo("[SchedulerX] workflow nightly failed");
    assertThat(alert.path("group").asText()).isEqualTo(TestServer.GROUP);
    assertThat(alert.path("workflow").path("id").asLong()).isEqualTo(w.id());
    assertThat(alert.path("workflow").path("name").asText()).isEqualTo("nightly");
    assertThat(alert.path("workflow").path("instanceId").asLong()).isEqualTo(runId);
    assertThat(alert.path("reason").asText()).contains("F FAILED");
    JsonNode failedRun = server.instance(failed.jobInstanceId());
    assertThat(alert.path("details").toString()).contains("failed node: F (job " + f + ", instance "
        + failed.jobInstanceId() + " on " + failedRun.path("workerId").asText() + "@" + failedRun.path("workerAddr").asText()
        + ") FAILED: " + failed.result().split("\n")[0]).contains("not run: D").doesNotContain("node: A");
    assertThat(alert.path("link").asText()).isEqualTo("http://console.example/console/#/workflow-instances/" + runId);
    assertThat(alert.path("text").asText()).contains("workflow: nightly", "workflow instance: " + runId);
    assertThat(server.call("GET", "/api/v1/alerts?kind=WORKFLOW_FAILURE", null).get(0).path("jobName").asText())
        .isEqualTo("workflow nightly");

    // The same run retried and failing again is a new failure, alerted again; a run that succeeds sends nothing.
    workflows.retry(runId);
    await().atMost(DEADLINE).until(() -> alertsOf("WORKFLOW_FAILURE").size() == 2);
    nodeJob("F", "");
    workflows.retry(runId);
    await().atMost(DEADLINE).until(() -> workflows.run(runId).run().state() == InstanceState.SUCCESS);
    quietFor(hook.requests().size());
    assertThat(alertsOf("WORKFLOW_FAILURE")).hasSize(2);
  }

  private long nodeJob(String name, String parameters) {
    // the group's rules apply to the node jobs too: one failing node alerts as a job as well (FAILURE)
    server.upsertJob(name, "WorkflowNode", "\"parameters\":\"" + parameters + "\"");
    return server.jobId(name);
  }

  @Test
  void aRunThatEveryLiveWorkerRefusesSendsAnAllBusyAlert() throws Exception {
    start(false);
    // A daemon that is draining (shutting down gracefully) still heartbeats but refuses new runs: the only worker
    // of the group refuses, which is "all workers busy", not "no worker".
    TestDaemons daemons = new TestDaemons();
    open.add(daemons);
    WorkerDaemon daemon = daemons.start(server.domain(), TestServer.APP_KEY, dir, Map.of("worker.shutdown-grace", "60s"),
        List.of());
    daemon.awaitReady(DEADLINE);
    job("holder", "Blocking", "", "{\"failEnable\":false,\"timeoutEnable\":false}", TO_HOOK);
    job("busy", "Ok", "", "{\"missWorkerEnable\":true,\"failEnable\":false}", TO_HOOK);
    long holder = server.trigger("holder", "");
    await().atMost(DEADLINE).until(() -> "RUNNING".equals(server.instance(holder).path("state").asText()));
    Thread closing = new Thread(daemon::close, "close-daemon"); // drains until the holder ends
    closing.start();

    JsonNode refused = await().atMost(DEADLINE).until(() -> run("busy"),
        r -> r.path("result").asText().contains("worker is shutting down"));
    assertThat(refused.path("state").asText()).isEqualTo("FAILED");
    await().atMost(DEADLINE).until(() -> alertsOf("ALL_BUSY").size() == 1);
    JsonNode alert = alertsOf("ALL_BUSY").get(0);
    assertThat(alert.path("severity").asText()).isEqualTo("warning");
    assertThat(alert.path("job").path("name").asText()).isEqualTo("busy");
    assertThat(alert.path("instance").path("id").asLong()).isEqualTo(refused.path("id").asLong());
    assertThat(alert.path("reason").asText()).isEqualTo("every live worker refused the run: worker is shutting down");
    assertThat(alertsOf("NO_WORKER")).isEmpty();

    server.call("POST", "/api/v1/instances/" + holder + "/kill", "");
    closing.join(DEADLINE.toMillis());
    assertThat(closing.isAlive()).as("the daemon stopped once its last run ended").isFalse();
  }

  @Test
  void aDistributedRunWhoseFailedSubTaskShareReachesFailRateAlertsAndOneBelowItDoesNot() throws Exception {
    start(false);
    TestDaemons daemons = new TestDaemons();
    open.add(daemons);
    Path jar = PluginJars.write(dir.resolve("alert-plugins/alert-processors.jar"), List.of(HalfFailingMapProcessor.class));
    WorkerDaemon daemon = daemons.start(server.domain(), TestServer.APP_KEY, dir, Map.of(), List.of(jar));
    open.add(daemon);
    daemon.awaitReady(DEADLINE);
    // Half of the four items fail (two of five tasks if the root counts): 30 % is reached, 60 % is not.
    job("halfmap30", "HalfFailingMap", "\"executeMode\":\"parallel\"", "{\"failRate\":30,\"failEnable\":false}",
        TO_HOOK);
    job("halfmap60", "HalfFailingMap", "\"executeMode\":\"parallel\"", "{\"failRate\":60,\"failEnable\":false}",
        TO_HOOK);

    JsonNode reached = run("halfmap30");
    JsonNode below = run("halfmap60");
    await().atMost(DEADLINE).until(() -> alertsOf("FAIL_RATE").size() == 1);
    quietFor(1);
    JsonNode alert = alertsOf("FAIL_RATE").get(0);
    assertThat(alert.path("job").path("name").asText()).isEqualTo("halfmap30");
    assertThat(alert.path("instance").path("id").asLong()).isEqualTo(reached.path("id").asLong());
    assertThat(alert.path("reason").asText()).matches("2 of [45] sub-tasks failed \\((50|40)%, alert at 30%\\)");
    assertThat(below.path("progress").asText()).as("the run reported its sub-tasks").contains("\"failed\":2");
  }

  @Test
  void aRunNotFinishedByItsDeadlineAlertsOnceAndARunFinishedBeforeItDoesNot() throws Exception {
    start(true);
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    ZonedDateTime soon = now.plusSeconds(3);
    String deadline = soon.toLocalTime().truncatedTo(ChronoUnit.SECONDS).toString();
    int days = soon.toLocalDate().equals(now.toLocalDate()) ? 0 : 1;
    job("late", "Blocking", "\"timeZone\":\"UTC\"",
        "{\"deadline\":\"" + deadline + "\",\"daysOfDeadline\":" + days + ",\"timeoutEnable\":false}", TO_HOOK);
    job("early", "Ok", "\"timeZone\":\"UTC\"",
        "{\"deadline\":\"" + deadline + "\",\"daysOfDeadline\":" + days + ",\"timeoutEnable\":false}", TO_HOOK);

    long late = server.trigger("late", "");
    JsonNode early = run("early");
    assertThat(early.path("state").asText()).isEqualTo("SUCCESS");
    await().atMost(DEADLINE).until(() -> alertsOf("DEADLINE").size() == 1);
    assertThat(Instant.now()).as("not before the deadline").isAfterOrEqualTo(soon.truncatedTo(ChronoUnit.SECONDS).toInstant());
    JsonNode alert = alertsOf("DEADLINE").get(0);
    assertThat(alert.path("job").path("name").asText()).isEqualTo("late");
    assertThat(alert.path("instance").path("id").asLong()).isEqualTo(late);
    assertThat(alert.path("reason").asText()).startsWith("not finished by " + deadline);
    assertThat(server.instance(late).path("state").asText()).as("a deadline only alerts").isEqualTo("RUNNING");
    quietFor(hook.requests().size()); // once, however long it runs on
    assertThat(alertsOf("DEADLINE")).hasSize(1);
    server.call("POST", "/api/v1/instances/" + late + "/kill", "");
  }

  @Test
  void fiftyFailingRunsAgainstARateLimitedRobotSendAtMostTheLimitPerWindowAndDigestsForTheRest() throws Exception {
    WebhookReceiver ding = new WebhookReceiver();
    open.add(ding);
    int limit = 5;
    Duration window = Duration.ofSeconds(4);
    start(true, new ChannelSettings("robot", "dingtalk", ding.url("/robot/send?access_token=T"), "", "SchedulerX", false,
        List.of(), List.of(), limit, window, List.of(), null));
    job("storm", "Throwing", "", "{}", "[{\"ding\":\"robot\"}]");

    for (int i = 0; i < 50; i++) {
      server.trigger("storm", "");
    }
    await().atMost(DEADLINE).until(() -> server.call("GET", "/api/v1/alerts?limit=200&kind=FAILURE", null).size() == 50);
    // Digested first, then nothing left to send: read in the other order, the two answers could straddle the digest's
    // insert (no row pending yet, then every suppressed row digested) while the digest itself is still on its way.
    await().atMost(DEADLINE.plus(window)).until(() -> server.call("GET", "/api/v1/alerts?limit=200&status=SUPPRESSED", null)
        .findValues("digestId").stream().allMatch(JsonNode::isNumber)
        && server.call("GET", "/api/v1/alerts?limit=200", null).findValuesAsText("status")
            .stream().noneMatch(s -> s.equals("PENDING") || s.equals("SENDING")));
    int settled = ding.requests().size();
    await().during(QUIET).atMost(DEADLINE).until(() -> ding.requests().size() == settled);

    List<WebhookReceiver.Request> sent = ding.requests();
    int failures = 0;
    int summarised = 0;
    Pattern digestCount = Pattern.compile("(\\d+) alert\\(s\\) not sent");
    for (WebhookReceiver.Request r : sent) {
      String text = r.json().path("text").path("content").asText();
      assertThat(text).contains("SchedulerX"); // the robot's keyword
      Matcher m = digestCount.matcher(text);
      if (m.find()) {
        summarised += Integer.parseInt(m.group(1));
      } else {
        failures++;
      }
    }
    assertThat(failures + summarised).as("every failure sent or counted in a digest").isEqualTo(50);
    assertThat(summarised).isGreaterThan(0);
    for (WebhookReceiver.Request r : sent) { // no window of the robot's length holds more than its limit
      long inWindow = sent.stream().filter(o -> !o.at().isBefore(r.at()) && o.at().isBefore(r.at().plus(window))).count();
      assertThat(inWindow).as("messages in the %s from %s", window, r.at()).isLessThanOrEqualTo(limit);
    }
  }

  @Test
  void theSendTestAlertActionReachesTheChannelAndItsStatusIsInTheHistory() throws Exception {
    start(false);
    long id = server.call("POST", "/api/v1/alert-channels/hook/test", "").path("alertId").asLong();
    await().atMost(DEADLINE).until(() -> "SENT".equals(server.call("GET", "/api/v1/alerts/" + id, null).path("status").asText()));
    assertThat(alerts()).singleElement().satisfies(a -> assertThat(a.path("type").asText()).isEqualTo("TEST"));
    JsonNode channels = server.call("GET", "/api/v1/alert-channels", null);
    assertThat(channels.get(0).path("name").asText()).isEqualTo("hook");
    assertThat(channels.get(0).path("signed").asBoolean()).isTrue();
    assertThat(channels.toString()).doesNotContain("whsec").doesNotContain("/alerts");

    // A channel defined through the API: stored, usable at once, its secret never answered.
    server.call("PUT", "/api/v1/alert-channels/team-lark",
        "{\"type\":\"lark\",\"url\":\"" + hook.url("/open-apis/bot/v2/hook/abc") + "\",\"secret\":\"larksec\"}");
    long viaApi = server.call("POST", "/api/v1/alert-channels/team-lark/test", "").path("alertId").asLong();
    await().atMost(DEADLINE).until(() -> "SENT".equals(server.call("GET", "/api/v1/alerts/" + viaApi, null).path("status").asText()));
    JsonNode lark = hook.requests().get(1).json();
    assertThat(lark.path("msg_type").asText()).isEqualTo("text");
    assertThat(lark.path("sign").asText()).isNotEmpty();
    JsonNode both = server.call("GET", "/api/v1/alert-channels", null);
    assertThat(both.findValuesAsText("name")).containsExactly("hook", "team-lark");
    assertThat(both.findValuesAsText("source")).containsExactly("config", "api");
    assertThat(both.toString()).doesNotContain("larksec").doesNotContain("hook/abc");
    assertThatThrownBy(() -> server.call("PUT", "/api/v1/alert-channels/hook", "{\"type\":\"slack\",\"url\":\"http://x\"}"))
        .hasMessageContaining("400").hasMessageContaining("defined in the server config");
    assertThatThrownBy(() -> server.call("PUT", "/api/v1/alert-channels/x", "{\"type\":\"pager\",\"url\":\"http://x\"}"))
        .hasMessageContaining("400").hasMessageContaining("expected one of dingtalk");
    server.call("DELETE", "/api/v1/alert-channels/team-lark", null);
    assertThatThrownBy(() -> server.call("POST", "/api/v1/alert-channels/team-lark/test", ""))
        .hasMessageContaining("400").hasMessageContaining("no alert channel named team-lark");
  }

  @Test
  void aWorkflowWithItsOwnContactAlertsItsOwnReceiverNotItsGroupsAndItsFailEnableFalseSilencesIt() throws Exception {
    start(true);
    WebhookReceiver own = new WebhookReceiver();
    open.add(own);
    server.call("PUT", "/api/v1/groups/" + TestServer.GROUP, "{\"monitorConfig\":" + quote("{\"failEnable\":true}")
        + ",\"contact\":" + quote(TO_HOOK) + "}");
    job("F", "WorkflowNode", "\"parameters\":\"fail\"", "{\"failEnable\":false}", ""); // the node job alerts nothing
    long f = server.jobId("F");
    String ownContact = "[{\"userName\":\"wf-owner\",\"ding\":\"" + own.url("/wf") + "\"}]";
    long id = server.call("POST", "/api/v1/workflows", "{\"group\":\"" + TestServer.GROUP + "\",\"name\":\"owned\","
        + "\"monitorConfig\":" + quote("{\"failEnable\":true,\"sendChannel\":\"ding\"}") + ",\"contact\":"
        + quote(ownContact) + ",\"dag\":{\"nodes\":[{\"id\":" + f + "}],\"edges\":[]}}").path("id").asLong();
    Workflows workflows = server.workflows();

    long runId = workflows.execute(id, dir.toString()).id();
    await().atMost(DEADLINE).until(() -> own.requests().size() == 1);
    JsonNode alert = own.requests().get(0).json();
    assertThat(alert.path("type").asText()).isEqualTo("WORKFLOW_FAILURE");
    assertThat(alert.path("workflow").path("name").asText()).isEqualTo("owned");
    assertThat(alert.path("workflow").path("instanceId").asLong()).isEqualTo(runId);
    quietFor(0); // the group's receiver gets nothing
    assertThat(own.requests()).hasSize(1);

    // failEnable=false on the workflow silences it, though its group's rules ask for failure alerts
    server.call("POST", "/api/v1/workflows", "{\"group\":\"" + TestServer.GROUP + "\",\"name\":\"owned\","
        + "\"monitorConfig\":" + quote("{\"failEnable\":false}") + "}");
    Long firstTry = workflows.run(runId).nodes().get(0).jobInstanceId();
    workflows.retry(runId);
    await().atMost(DEADLINE).until(() -> workflows.run(runId).run().state() == InstanceState.FAILED
        && !firstTry.equals(workflows.run(runId).nodes().get(0).jobInstanceId()));
    quietFor(0);
    assertThat(own.requests()).hasSize(1);
  }

  @Test
  void theLeadersSweepRaisesTheAlertOfARunWhoseLeaderDiedBeforeRaisingItAndNeverASecondOne() throws Exception {
    start(true);
    job("lost", "Throwing", "", "{\"failEnable\":true}", TO_HOOK);
    // a normal run: alerted once by the rules, and sweeps after it add nothing
    JsonNode normal = run("lost");
    await().atMost(DEADLINE).until(() -> hook.requests().size() == 1);
    double sweeps = sweeps();
    await().atMost(DEADLINE).until(() -> sweeps() >= sweeps + 3);
    assertThat(hook.requests()).hasSize(1);
    assertThat(server.call("GET", "/api/v1/alerts?jobId=" + server.jobId("lost"), null)).hasSize(1);

    // What a leader that died between storing the end and storing the alert leaves: an ended run, no alert.
    try (ServerDatabase database = ServerDatabase.open(db, "sa", "", 1)) {
      InstanceRepository instances = new InstanceRepository(database.dataSource());
      long lost = ended(instances, "lost", Instant.now().minusSeconds(60), InstanceState.FAILED);

      await().atMost(DEADLINE).until(() -> hook.requests().size() == 2);
      JsonNode swept = alerts().get(1);
      assertThat(swept.path("type").asText()).isEqualTo("FAILURE");
      assertThat(swept.path("instance").path("id").asLong()).isEqualTo(lost);
      assertThat(swept.path("reason").asText()).isEqualTo("boom");
      double after = sweeps();
      await().atMost(DEADLINE).until(() -> sweeps() >= after + 3);
      assertThat(hook.requests()).as("one alert per run, however many sweeps").hasSize(2);
      assertThat(hook.byIdempotencyKey().values()).containsOnly(1L);
      assertThat(PrometheusText.scrape("http://" + server.domain() + "/metrics"))
          .containsEntry("schedulerx_server_alert_swept_total", 1.0);
    }
    assertThat(alerts().get(0).path("instance").path("id").asLong()).isEqualTo(normal.path("id").asLong());
  }

  @Test
  void theSweepCountsAFailureStreakFromTheJobsHistoryAndRaisesMissedSuccessNoticesAndWorkflowFailures() throws Exception {
    start(false);
    job("streak", "Throwing", "", "{\"failEnable\":true,\"failLimitTimes\":2}", TO_HOOK);
    job("notice", "Ok", "", "{\"successNotice\":true}", TO_HOOK);
    long workflowId = server.call("POST", "/api/v1/workflows", "{\"group\":\"" + TestServer.GROUP + "\",\"name\":\"lost-wf\","
        + "\"monitorConfig\":" + quote("{\"failEnable\":true}") + ",\"contact\":" + quote(TO_HOOK) + "}").path("id").asLong();
    Instant now = Instant.now();
    long first;
    long second;
    long success;
    try (ServerDatabase database = ServerDatabase.open(db, "sa", "", 1)) {
      // what leaders that died after storing these ends (and before their alerts) left
      InstanceRepository instances = new InstanceRepository(database.dataSource());
      first = ended(instances, "streak", now.minusSeconds(120), InstanceState.FAILED);
      second = ended(instances, "streak", now.minusSeconds(90), InstanceState.FAILED);
      success = ended(instances, "notice", now.minusSeconds(60), InstanceState.SUCCESS);
      try (java.sql.Connection c = database.dataSource().getConnection();
          java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO sx_wf_instance (workflow_id, schedule_time,"
              + " trigger_type, state, suspended, instance_parameters, dag_json, failure_policy, reason, created_at,"
              + " finished_at) VALUES (?, ?, 'API', 5, FALSE, '', '{\"nodes\":[],\"edges\":[]}', 'block-descendants',"
              + " 'node F FAILED', ?, ?)")) {
        ps.setLong(1, workflowId);
        ps.setLong(2, now.minusSeconds(50).toEpochMilli());
        ps.setLong(3, now.minusSeconds(50).toEpochMilli());
        ps.setLong(4, now.minusSeconds(40).toEpochMilli());
        ps.executeUpdate();
      }
    }

    await().atMost(DEADLINE).until(() -> hook.requests().size() == 3);
    double sweeps = sweeps();
    await().atMost(DEADLINE).until(() -> sweeps() >= sweeps + 3);
    assertThat(hook.requests()).hasSize(3);
    JsonNode failure = alertsOf("FAILURE").get(0);
    assertThat(failure.path("instance").path("id").asLong()).as("the second failure in a row, not the first " + first)
        .isEqualTo(second);
    assertThat(failure.path("count").asInt()).isEqualTo(2);
    assertThat(alertsOf("SUCCESS")).singleElement()
        .satisfies(a -> assertThat(a.path("instance").path("id").asLong()).isEqualTo(success));
    assertThat(alertsOf("WORKFLOW_FAILURE")).singleElement().satisfies(a -> {
      assertThat(a.path("workflow").path("name").asText()).isEqualTo("lost-wf");
      assertThat(a.path("reason").asText()).isEqualTo("node F FAILED");
    });
  }

  /** An instance of {@code job} stored as ended at {@code at}, as a leader leaves it when it dies right after. */
  private long ended(InstanceRepository instances, String job, Instant at, InstanceState state) {
    long id = instances.create(server.jobId(job), TestServer.GROUP, job, at.minusSeconds(5), TriggerType.API, "", 0,
        at.minusSeconds(5)).orElseThrow().id();
    instances.finish(id, state, state == InstanceState.SUCCESS ? "done" : "boom", at);
    return id;
  }

  @Test
  void turningSuccessNoticesOnDoesNotMakeTheSweepNotifyTheRunsThatEndedBefore() throws Exception {
    start(true);
    job("steady", "Ok", "", "{\"successNotice\":false}", TO_HOOK);
    run("steady");
    run("steady");
    job("steady", "Ok", "", "{\"successNotice\":true}", TO_HOOK);
    double sweeps = sweeps();
    await().atMost(DEADLINE).until(() -> sweeps() >= sweeps + 3);
    assertThat(hook.requests()).isEmpty();

    JsonNode third = run("steady");
    await().atMost(DEADLINE).until(() -> hook.requests().size() == 1);
    assertThat(alerts().get(0).path("type").asText()).isEqualTo("SUCCESS");
    assertThat(alerts().get(0).path("instance").path("id").asLong()).isEqualTo(third.path("id").asLong());
  }

  /** Sweep passes done so far, from the server's /metrics. */
  private double sweeps() throws Exception {
    return PrometheusText.scrape("http://" + server.domain() + "/metrics").getOrDefault("schedulerx_server_alert_sweeps_total", 0.0);
  }
}
