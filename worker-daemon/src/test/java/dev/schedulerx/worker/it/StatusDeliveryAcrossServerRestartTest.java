package dev.schedulerx.worker.it;

import dev.schedulerx.worker.testing.LogCapture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.instance.JobInstanceSupervisor;
import dev.schedulerx.worker.instance.testplugins.AwaitFileProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At-least-once status delivery: an instance that finishes while the server is down still ends SUCCESS once
 * the server is back, because the worker keeps the unacknowledged report and re-sends it to the leader that
 * discovery names next.
 */
class StatusDeliveryAcrossServerRestartTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void aReportTheServerCouldNotAcknowledgeReachesTheRestartedServer() throws Exception {
    int httpPort = TestServer.freePort();
    Path database = dir.resolve("server");
    Path release = dir.resolve("release");
    TestServer first = TestServer.onDisk(database, httpPort);
    boolean firstStopped = false;
    try (TestDaemons daemons = new TestDaemons();
        WorkerDaemon daemon = daemons.start("127.0.0.1:" + httpPort, TestServer.APP_KEY, dir.resolve("worker"))) {
      daemon.awaitReady(DEADLINE);
      first.upsertJob("slow", "AwaitFile", "");
      long id = first.trigger("slow", release.toString());
      await().atMost(DEADLINE).until(() ->
          Files.exists(dir.resolve("release.started")) && first.instance(id).path("state").asText().equals("RUNNING"));
      String firstLeader = first.remotingAddress();

      try (LogCapture supervisor = LogCapture.of(JobInstanceSupervisor.class)) {
        first.close(); // the server goes away while the task runs
        firstStopped = true;
        AwaitFileProcessor.release(release, "after the outage");
        // The task finished and its report went out to a server that is not there.
        await().atMost(DEADLINE).until(() -> supervisor.messages(Level.INFO).stream()
            .anyMatch(m -> m.contains("instance " + id + " finished SUCCESS")));
      }

      try (TestServer second = TestServer.onDisk(database, httpPort)) {
        assertThat(second.instance(id).path("state").asText()).as("as the first server left it").isEqualTo("RUNNING");
        assertThat(second.remotingAddress()).as("a new leader address").isNotEqualTo(firstLeader);

        await().atMost(DEADLINE).until(() -> second.instance(id).path("state").asText().equals("SUCCESS"));
        JsonNode instance = second.instance(id);
        assertThat(instance.path("result").asText()).isEqualTo("released: after the outage");
        assertThat(instance.path("workerId").asText()).isEqualTo(daemon.workerId());
      }
    } finally {
      if (!firstStopped) {
        first.close();
      }
    }
  }
}
