package dev.schedulerx.worker.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.schedulerx.protocol.Worker.TaskStatusInfo;
import dev.schedulerx.worker.container.testplugins.EchoTask;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statuses wait for company before they travel, but a worker that has run everything it holds of an instance
 * sends them at once: here the batching delay is an hour, and the statuses still arrive within the test's
 * patience.
 */
class DrainedWorkerFlushTest {
  @TempDir static Path dir;
  static WirePeers peers;

  @BeforeAll
  static void start() throws Exception {
    ContainerSettings.Reports hourLong = new ContainerSettings.Reports(
        Duration.ofHours(1), 2_000, 100_000, Duration.ofSeconds(10), Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(60));
    peers = new WirePeers(dir, ContainerSettings.DEFAULTS.withReports(hourLong), EchoTask.class);
  }

  @AfterAll
  static void stop() {
    if (peers != null) {
      peers.close();
    }
  }

  @Test
  void aWorkerWithNothingLeftOfAnInstanceReportsAtOnce() throws Exception {
    long instance = 4_242;
    peers.startBatch(instance, List.of(
        peers.task(instance, 1, "echo-task").build(), peers.task(instance, 2, "echo-task").build(), peers.task(instance, 3, "echo-task").build()));

    List<TaskStatusInfo> statuses = peers.awaitStatuses(instance, 3);

    assertThat(statuses).extracting(TaskStatusInfo::getResult).containsExactlyInAnyOrder("ok 1", "ok 2", "ok 3");
  }
}
