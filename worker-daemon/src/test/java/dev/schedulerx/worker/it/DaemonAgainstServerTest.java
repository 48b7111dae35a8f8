package dev.schedulerx.worker.it;

import dev.schedulerx.worker.testing.LogCapture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.server.http.HttpApi;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.instance.testplugins.AwaitFileProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker daemon and a scheduler server in one JVM, talking over real HTTP discovery and TCP remoting. */
class DaemonAgainstServerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(15);

  @AutoClose private static final TestDaemons daemons = new TestDaemons();
  @TempDir Path dir;
  private TestServer server;
  private WorkerDaemon daemon;

  @BeforeEach
  void startServer() {
    server = TestServer.inMemory();
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    server.close();
  }

  private void startReadyDaemon() throws Exception {
    daemon = daemons.start(server.domain(), TestServer.APP_KEY, dir);
    daemon.awaitReady(DEADLINE);
  }

  @Test
  void aTriggeredJobRunsOnTheDaemonAndEndsSuccessWithTheProcessorsResult() throws Exception {
    startReadyDaemon();
    server.upsertJob("echo", "Parameters", "\"parameters\":\"from-job\"");

    long id = server.trigger("echo", "from-trigger");

    JsonNode instance = server.awaitFinished(id, DEADLINE);
    assertThat(instance.path("state").asText()).isEqualTo("SUCCESS");
    assertThat(instance.path("result").asText()).isEqualTo("job=from-job instance=from-trigger");
  }

  @Test
  void aFinishedInstanceNamesTheWorkerThatRanItAndWhenItStarted() throws Exception {
    startReadyDaemon();
    server.upsertJob("quick", "Ok", "");

    for (int i = 0; i < 5; i++) { // a quick job: its report races the submit's acceptance
      JsonNode instance = server.awaitFinished(server.trigger("quick", ""), DEADLINE);
      assertThat(instance.path("state").asText()).isEqualTo("SUCCESS");
      assertThat(instance.path("result").asText()).isEqualTo("ok");
      assertThat(instance.path("workerId").asText()).isEqualTo(daemon.workerId());
      assertThat(instance.path("workerAddr").asText()).isEqualTo(daemon.remotingAddress());
      assertThat(instance.path("startedAt").isTextual()).as("startedAt of " + instance).isTrue();
      assertThat(Instant.parse(instance.path("startedAt").asText()))
          .isBeforeOrEqualTo(Instant.parse(instance.path("finishedAt").asText()));
    }
  }

  @Test
  void aLongRunningInstanceIsStoredRunningOnItsWorkerBeforeItEnds() throws Exception {
    startReadyDaemon();
    server.upsertJob("slow", "AwaitFile", "");
    Path release = dir.resolve("release");

    long id = server.trigger("slow", release.toString());

    // Its start is stored alone once its end has not come with it (InstanceLifecycle.START_STORE_DELAY).
    await().atMost(DEADLINE).until(() -> server.instance(id).path("state").asText().equals("RUNNING"));
    JsonNode running = server.instance(id);
    assertThat(running.path("workerId").asText()).isEqualTo(daemon.workerId());
    assertThat(running.path("workerAddr").asText()).isEqualTo(daemon.remotingAddress());
    assertThat(running.path("startedAt").isTextual()).as("startedAt of " + running).isTrue();

    AwaitFileProcessor.release(release, "done");
    JsonNode finished = server.awaitFinished(id, DEADLINE);
    assertThat(finished.path("state").asText()).isEqualTo("SUCCESS");
    assertThat(finished.path("result").asText()).isEqualTo("released: done");
    assertThat(finished.path("startedAt").asText()).isEqualTo(running.path("startedAt").asText());
  }

  @Test
  void anInstanceKilledRightAfterItsWorkerTookItIsStoppedThere() throws Exception {
    startReadyDaemon();
    server.upsertJob("slow", "AwaitFile", "");
    Path release = dir.resolve("never");
    try (LogCapture workerLog = LogCapture.of("dev.schedulerx.worker.instance.JobInstanceSupervisor")) {
      long id = server.trigger("slow", release.toString());
      await().atMost(DEADLINE).pollInterval(Duration.ofMillis(5)).until(() -> Files.exists(dir.resolve("never.started")));

      // Killed before its start is stored (InstanceLifecycle.START_STORE_DELAY): the kill still reaches its worker.
      server.call("POST", "/api/v1/instances/" + id + "/kill", "");

      await().atMost(DEADLINE).until(() -> workerLog.messages(Level.INFO).stream()
          .anyMatch(m -> m.contains("instance " + id + " finished FAILED: killed")));
      assertThat(server.instance(id).path("state").asText()).isEqualTo("KILLED");
    }
  }

  @Test
  void aThrowingProcessorEndsFailedWithItsMessage() throws Exception {
    startReadyDaemon();
    server.upsertJob("broken", "Throwing", "");

    JsonNode instance = server.awaitFinished(server.trigger("broken", ""), DEADLINE);

    assertThat(instance.path("state").asText()).isEqualTo("FAILED");
    assertThat(instance.path("result").asText()).isEqualTo("database unreachable");
  }

  @Test
  void aJobNamingAnUnknownProcessorEndsFailedSayingWhichOnesExist() throws Exception {
    startReadyDaemon();
    server.upsertJob("typo", "Okay", "");

    JsonNode instance = server.awaitFinished(server.trigger("typo", ""), DEADLINE);

    assertThat(instance.path("state").asText()).isEqualTo("FAILED");
    assertThat(instance.path("result").asText()).contains("processor Okay not found").contains("Ok, Parameters");
  }

  @Test
  void aDaemonWithTheWrongAppKeyNeverBecomesReadyAndIsNotRegistered() throws Exception {
    try (LogCapture serverLog = LogCapture.of(HttpApi.class)) {
      daemon = daemons.start(server.domain(), "wrong-key", dir);

      assertThatExceptionOfType(TimeoutException.class)
          .isThrownBy(() -> daemon.awaitReady(Duration.ofSeconds(2)))
          .withMessageContaining(server.domain());
      assertThat(server.workers()).isEmpty();
      assertThat(serverLog.messages(Level.WARN)).isNotEmpty().allSatisfy(m -> assertThat(m).contains("wrong appKey for group g"));
    }
  }

  @Test
  void aClosedDaemonLeavesTheServersWorkerListBeforeItsHeartbeatTimeout() throws Exception {
    startReadyDaemon();
    assertThat(server.workers()).hasSize(1);

    daemon.close();

    // The server would drop a silent worker after 9 s; going offline must be quicker than that.
    await().atMost(Duration.ofSeconds(4)).until(() -> server.workers().isEmpty());
  }
}
