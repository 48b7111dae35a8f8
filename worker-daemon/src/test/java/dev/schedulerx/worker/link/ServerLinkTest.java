package dev.schedulerx.worker.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.protocol.RemotingSettings;
import dev.schedulerx.server.http.HttpApi;
import dev.schedulerx.worker.it.TestServer;
import dev.schedulerx.worker.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worker's server link against a real scheduler server over HTTP discovery and TCP remoting, in an actor
 * system of its own as in the daemon. Heartbeats every 200 ms so that the tests move quickly.
 */
class ServerLinkTest {
  private static final Duration DEADLINE = Duration.ofSeconds(15);
  private static final AtomicInteger workers = new AtomicInteger();
  private static TestServer server;
  private ActorTestKit kit;

  @BeforeAll
  static void startServer() {
    server = TestServer.inMemory();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @AfterEach
  void stopWorker() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  private record Link(String workerId, ActorRef<ServerLink.Command> ref, CompletableFuture<String> registered) {}

  private Link startLink(String appKey) {
    String workerId = "127000000001_" + ProcessHandle.current().pid() + "_" + workers.incrementAndGet();
    kit = ActorTestKit.create(workerId, RemotingSettings.of("127.0.0.1", 0).toConfig());
    CompletableFuture<String> registered = new CompletableFuture<>();
    ServerLink.Settings settings =
        new ServerLink.Settings(workerId, "ns", TestServer.GROUP, appKey, "", server.domain(), "", Duration.ofMillis(200),
            Duration.ofMillis(300), "test", TlsSettings.OFF);
    return new Link(workerId, kit.spawn(ServerLink.create(settings, registered), "server-link"), registered);
  }

  private static Optional<JsonNode> listed(String workerId) {
    for (JsonNode worker : server.workers()) {
      if (worker.path("address").path("workerId").asText().equals(workerId)) {
        return Optional.of(worker);
      }
    }
    return Optional.empty();
  }

  private static List<Long> runningOn(String workerId) {
    List<Long> ids = new ArrayList<>();
    listed(workerId).orElseThrow().path("runningInstances").forEach(id -> ids.add(id.asLong()));
    return ids;
  }

  @Test
  void theLinkRegistersWithTheLeaderDiscoveryNamed() throws Exception {
    Link link = startLink(TestServer.APP_KEY);

    assertThat(link.registered().get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(server.remotingAddress());
    await().atMost(DEADLINE).until(() -> listed(link.workerId()).isPresent());
    int port = Adapter.toClassic(kit.system()).provider().getDefaultAddress().getPort().orElseThrow();
    JsonNode worker = listed(link.workerId()).orElseThrow();
    assertThat(worker.path("groupId").asText()).isEqualTo(TestServer.GROUP);
    assertThat(worker.path("address").path("port").asInt()).as("the worker's remoting port").isEqualTo(port);
    assertThat(worker.path("version").asText()).isEqualTo("test");
  }

  @Test
  void heartbeatsListTheInstancesTheWorkerIsRunning() throws Exception {
    Link link = startLink(TestServer.APP_KEY);
    link.registered().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

    link.ref().tell(new ServerLink.ReportStatus(1, 4242, TestServer.GROUP, InstanceStatus.RUNNING, "", null));
    await().atMost(DEADLINE).until(() -> runningOn(link.workerId()).equals(List.of(4242L)));

    link.ref().tell(new ServerLink.ReportStatus(1, 4242, TestServer.GROUP, InstanceStatus.SUCCESS, "done", null));
    await().atMost(DEADLINE).until(() -> runningOn(link.workerId()).isEmpty());
  }

  @Test
  void aRefusedWorkerNeverRegistersAndSaysWhyOnce() {
    try (LogCapture serverLog = LogCapture.of(HttpApi.class);
        LogCapture linkLog = LogCapture.of(ServerLink.class)) {
      Link link = startLink("not-the-key");

      // Each attempt asks discovery twice (group id, leader); wait for several attempts.
      await().atMost(DEADLINE).until(() -> serverLog.messages(Level.WARN).size() >= 8);

      assertThat(link.registered()).isNotDone();
      assertThat(listed(link.workerId())).isEmpty();
      assertThat(linkLog.messages(Level.WARN))
          .as("one warning while the trouble stays the same")
          .singleElement()
          .asString()
          .contains("wrong appKey for group g");
    }
  }

  @Test
  void goingOfflineRemovesTheWorkerAtOnce() throws Exception {
    Link link = startLink(TestServer.APP_KEY);
    link.registered().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    await().atMost(DEADLINE).until(() -> listed(link.workerId()).isPresent());
    TestProbe<Done> done = kit.createTestProbe();

    link.ref().tell(new ServerLink.GoOffline(done.getRef()));

    done.expectMessage(Done.getInstance());
    // Well before the server's 9 s worker timeout, and for good: no later heartbeat brings it back.
    await().atMost(Duration.ofSeconds(5)).during(Duration.ofSeconds(1)).until(() -> listed(link.workerId()).isEmpty());
  }
}
