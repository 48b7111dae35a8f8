package dev.schedulerx.server.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.schedulerx.protocol.Worker.WorkerHeartBeatRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerHeartBeatResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.RemotingSettings;
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
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A worker-side actor system heartbeats the real server over TCP, as the official workers do. */
class HeartbeatOverTcpTest {
  static SchedulerServer server;
  static ActorSystem worker;
  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() {
    ServerSettings settings =
        new ServerSettings("127.0.0.1", 0, 0, Path.of("target"),
            new ServerSettings.DatabaseSettings("jdbc:h2:mem:hb-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 2),
            Duration.ofSeconds(9), Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofDays(1),
            List.of(new ServerSettings.AppGroup("ns", "g1", "secret")), ServerSettings.ApiSecurity.DEFAULT, ServerSettings.Lease.DEFAULT, TlsSettings.OFF);
    server = SchedulerServer.builder(settings).build().start();
    worker = ActorSystem.create("127000000001_4242_1", RemotingSettings.of("127.0.0.1", 0).toConfig());
  }

  @AfterAll
  static void stop() {
    worker.terminate();
    server.close();
  }

  private static WorkerHeartBeatResponse heartbeat(String appKey) throws Exception {
    WorkerHeartBeatRequest hb =
        WorkerHeartBeatRequest.newBuilder().setGroupId("g1").setVersion("test").setWorkerId("127000000001_4242_1")
            .setStarter("java").setAppKey(appKey).setOnline(true).build();
    Object reply =
        Patterns.ask(worker.actorSelection(ActorPaths.onServer(server.remotingAddress(), ActorPaths.SERVER_HEARTBEAT)), hb, Duration.ofSeconds(10))
            .toCompletableFuture().get();
    return (WorkerHeartBeatResponse) reply;
  }

  private static JsonNode get(String path) throws Exception {
    return json.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  @Test
  void aHeartbeatRegistersTheWorkerUnderItsRemotingAddress() throws Exception {
    WorkerHeartBeatResponse response = heartbeat("secret");

    assertThat(response.getSuccess()).isTrue();
    JsonNode workers = get("/api/v1/workers");
    int port = ((ExtendedActorSystem) worker).provider().getDefaultAddress().getPort().orElseThrow();
    assertThat(workers).hasSize(1);
    assertThat(workers.get(0).path("address").path("workerId").asText()).isEqualTo("127000000001_4242_1");
    assertThat(workers.get(0).path("address").path("port").asInt()).isEqualTo(port);
    assertThat(workers.get(0).path("groupId").asText()).isEqualTo("g1");
  }

  @Test
  void aWrongAppKeyIsRefusedWithAClearMessage() throws Exception {
    WorkerHeartBeatResponse response = heartbeat("guess");

    assertThat(response.getSuccess()).isFalse();
    assertThat(response.getMessage()).isEqualTo("wrong appKey for group g1");
  }

  @Test
  void discoveryHandsOutTheLeaderAddressInTheSchedulerxEnvelope() throws Exception {
    JsonNode leader = get("/worker/v1/appgroup/getLeaderAddr?groupId=g1&appKey=secret&namespace=ns&enableScale=true");
    JsonNode id = get("/worker/v1/appgroup/getId?groupId=g1&appKey=secret&namespace=ns");
    JsonNode refused = get("/worker/v1/appgroup/getLeaderAddr?groupId=g1&appKey=nope");

    assertThat(leader.path("success").asBoolean()).isTrue();
    assertThat(leader.path("data").asText()).isEqualTo(server.remotingAddress());
    assertThat(id.path("data").isTextual()).as("getId data is a JSON string").isTrue();
    assertThat(id.path("data").asText()).isEqualTo("1");
    assertThat(refused.path("success").asBoolean()).isFalse();
    assertThat(refused.path("message").asText()).isEqualTo("wrong appKey for group g1");
  }
}
