package dev.schedulerx.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.schedulerx.protocol.Worker.WorkerHeartBeatRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerHeartBeatResponse;
import com.alibaba.schedulerx.protocol.Worker.WorkerReportJobInstanceStatusRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerReportJobInstanceStatusResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.RemotingSettings;
import dev.schedulerx.server.SchedulerServer;
import dev.schedulerx.server.config.ServerSettings;
import dev.schedulerx.server.http.OpenApiSignature;
import dev.schedulerx.server.store.ServerDatabase;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.client.ServerApiClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server nodes on one database and a worker that knows only the follower (after an address nothing
 * listens on): what reaches the follower takes effect through the leader.
 */
class FollowerForwardingTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir Path dir;
  private ServerDatabase database;
  private final List<SchedulerServer> servers = new ArrayList<>();
  private SchedulerServer leader;
  private SchedulerServer follower;
  private WorkerDaemon daemon;
  private ServerApiClient viaFollower;

  @BeforeEach
  void startTwoNodes() {
    String url = "jdbc:h2:mem:follower-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    database = ServerDatabase.open(url, "sa", "", 1); // keeps the in-memory database while nodes come and go
    for (int i = 0; i < 2; i++) {
      ServerSettings settings =
          new ServerSettings("127.0.0.1", 0, 0, dir,
              new ServerSettings.DatabaseSettings(url, "sa", "", 4),
              Duration.ofSeconds(9), Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofDays(1),
              List.of(new ServerSettings.AppGroup("ns", TestServer.GROUP, TestServer.APP_KEY)),
              ServerSettings.ApiSecurity.DEFAULT, new ServerSettings.Lease(Duration.ofMillis(200), Duration.ofSeconds(1)),
              TlsSettings.OFF);
      servers.add(SchedulerServer.builder(settings).build().start());
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> servers.stream().filter(SchedulerServer::isLeader).count() == 1);
    leader = servers.stream().filter(SchedulerServer::isLeader).findFirst().orElseThrow();
    follower = servers.stream().filter(s -> s != leader).findFirst().orElseThrow();
    // The follower learns who leads at its next lease round.
    await().atMost(Duration.ofSeconds(5)).until(() -> !follower.isLeader());
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    servers.forEach(SchedulerServer::close);
    database.close();
  }

  private String domain(SchedulerServer server) {
    return "127.0.0.1:" + server.httpPort();
  }

  private void startWorkerThroughFollower() throws Exception {
    String nobody = "127.0.0.1:" + TestServer.freePort();
    daemon = TestDaemons.startOnce(nobody + "," + domain(follower), TestServer.APP_KEY, dir);
    daemon.awaitReady(DEADLINE);
    viaFollower = new ServerApiClient(nobody + "," + domain(follower), TestServer.GROUP, "");
    // Discovery through the follower named the leader: the worker heartbeats there.
    await().atMost(DEADLINE).until(() -> viaFollower.workers().size() == 1);
  }

  private Object ask(ActorSystem from, String endpoint, Object message) throws Exception {
    return Patterns.ask(from.actorSelection(ActorPaths.onServer(follower.remotingAddress(), endpoint)), message, Duration.ofSeconds(10))
        .toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  @Test
  void anApiTriggerAndAKillSentToTheFollowerRunOnTheLeaderAndAnswerWithItsInstanceId() throws Exception {
    startWorkerThroughFollower();
    viaFollower.upsertJob(Map.of("group", TestServer.GROUP, "name", "echo", "processor", "Parameters", "parameters", "job"));

    long id = viaFollower.trigger("echo", "via-follower");

    await().atMost(DEADLINE).until(() -> viaFollower.instance(id).path("finishedAt").isTextual());
    JsonNode instance = viaFollower.instance(id);
    assertThat(instance.path("state").asText()).isEqualTo("SUCCESS");
    assertThat(instance.path("result").asText()).isEqualTo("job=job instance=via-follower");

    // The same through the SchedulerX OpenAPI, signed as the Java SDK signs.
    long jobId = viaFollower.jobs().get(0).path("id").asLong();
    String timestamp = Long.toString(System.currentTimeMillis());
    HttpResponse<String> executed = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://" + domain(follower) + "/openapi/v1/job/execute"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("openapi-timestamp", timestamp)
            .header("openapi-groupid", TestServer.GROUP)
            .header("openapi-signature", OpenApiSignature.javaStyle(TestServer.APP_KEY, TestServer.GROUP, timestamp))
            .POST(HttpRequest.BodyPublishers.ofString("groupId=g&jobId=" + jobId + "&instanceParameters=openapi"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(executed.statusCode()).as(executed.body()).isEqualTo(200);
    long viaOpenApi = new ObjectMapper().readTree(executed.body()).path("data").path("jobInstanceId").asLong();
    await().atMost(DEADLINE).until(() -> viaFollower.instance(viaOpenApi).path("finishedAt").isTextual());
    assertThat(viaFollower.instance(viaOpenApi).path("result").asText()).isEqualTo("job=job instance=openapi");

    viaFollower.upsertJob(Map.of("group", TestServer.GROUP, "name", "hang", "processor", "Blocking"));
    long hanging = viaFollower.trigger("hang", "");
    await().atMost(DEADLINE).until(() -> viaFollower.instance(hanging).path("state").asText().equals("RUNNING"));
    assertThat(viaFollower.kill(hanging)).isEqualTo("instance " + hanging + " killed by request");
    await().atMost(DEADLINE).until(() -> viaFollower.instance(hanging).path("state").asText().equals("KILLED"));
  }

  @Test
  void aStatusReportAndAHeartbeatSentToTheFollowerReachTheLeaderWhichRetriesTheFailedInstance() throws Exception {
    startWorkerThroughFollower();
    viaFollower.upsertJob(Map.of("group", TestServer.GROUP, "name", "hang", "processor", "Blocking",
        "maxAttempt", 1, "attemptInterval", 0));
    long id = viaFollower.trigger("hang", "");
    await().atMost(DEADLINE).until(() -> viaFollower.instance(id).path("state").asText().equals("RUNNING"));
    JsonNode running = viaFollower.instance(id);

    // A worker whose discovery is stale reports to the follower.
    ActorSystem staleWorker = ActorSystem.create("stale", RemotingSettings.of("127.0.0.1", 0).toConfig());
    try {
      WorkerReportJobInstanceStatusRequest failed =
          WorkerReportJobInstanceStatusRequest.newBuilder()
              .setJobId(running.path("jobId").asLong()).setJobInstanceId(id).setStatus(InstanceStatus.FAILED.value())
              .setGroupId(TestServer.GROUP).setDeliveryId(42).setResult("failed on purpose").build();
      Object ack = ask(staleWorker, ActorPaths.SERVER_INSTANCE_STATUS, failed);
      assertThat(ack).isInstanceOfSatisfying(WorkerReportJobInstanceStatusResponse.class, r -> {
        assertThat(r.getSuccess()).isTrue();
        assertThat(r.getDeliveryId()).isEqualTo(42);
      });
      assertThat(viaFollower.instance(id).path("state").asText()).isEqualTo("FAILED");
      // The retry runs on the leader, which has the worker: it is submitted and runs.
      await().atMost(DEADLINE).until(() -> {
        long latest = 0;
        for (JsonNode job : viaFollower.jobs()) {
          if (job.path("spec").path("name").asText().equals("hang")) {
            latest = job.path("lastInstanceId").asLong();
          }
        }
        if (latest == id || latest == 0) {
          return false;
        }
        JsonNode retry = viaFollower.instance(latest);
        return retry.path("attempt").asInt() == 1 && retry.path("state").asText().equals("RUNNING");
      });

      // Its heartbeat, sent to the follower too, registers it with the leader.
      Object answer = ask(staleWorker, ActorPaths.SERVER_HEARTBEAT,
          WorkerHeartBeatRequest.newBuilder().setGroupId(TestServer.GROUP).setAppKey(TestServer.APP_KEY)
              .setWorkerId("127000000001_1_1").setVersion("test").setStarter("java").setOnline(true).build());
      assertThat(answer).isInstanceOfSatisfying(WorkerHeartBeatResponse.class, r -> assertThat(r.getSuccess()).isTrue());
      assertThat(viaFollower.workers().findValuesAsText("workerId")).contains("127000000001_1_1");
    } finally {
      staleWorker.terminate();
      staleWorker.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
