package dev.schedulerx.worker.container;

import dev.schedulerx.worker.testing.LogCapture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.alibaba.schedulerx.protocol.Worker.TaskStatusInfo;
import dev.schedulerx.worker.container.testplugins.EchoTask;
import dev.schedulerx.worker.remote.TaskReporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Status batches to a master that stops answering: re-sent for a while, then given up with one warning. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnreachableMasterTest {
  @TempDir Path dir;

  @Test
  void statusesForAMasterThatNeverAnswersAreGivenUpWithOneWarning() throws Exception {
    ContainerSettings settings =
        ContainerSettings.DEFAULTS.withReports(
            ContainerSettings.Reports.DEFAULTS.withAskTimeout(Duration.ofMillis(300)).withGiveUpAfter(Duration.ofSeconds(2)));
    long instance = 1;
    try (WirePeers peers = new WirePeers(dir, settings, EchoTask.class);
        LogCapture log = LogCapture.of(TaskReporter.class)) {
      peers.record.ignoreReports.add(instance);

      peers.startBatch(instance, List.of(peers.task(instance, 1, "echo-task").build()));

      await().atMost(Duration.ofSeconds(15)).until(() -> !log.messages(Level.WARN).isEmpty());
      assertThat(log.messages(Level.WARN)).singleElement().asString().contains(peers.masterPath, "unreachable", "1 task status");
      long tries = peers.record.receivedReports.stream().filter(r -> r.getJobInstanceId() == instance).count();
      assertThat(tries).as("re-sent before giving up").isGreaterThanOrEqualTo(3);

      // The master answers again: new statuses reach it, the given-up one does not come back.
      peers.record.ignoreReports.remove(instance);
      peers.startBatch(instance, List.of(peers.task(instance, 2, "echo-task").build()));

      assertThat(peers.awaitStatuses(instance, 1)).extracting(TaskStatusInfo::getTaskId).containsExactly(2L);
      assertThat(log.messages(Level.WARN)).hasSize(1);
      assertThat(log.messages(Level.INFO)).anySatisfy(m -> assertThat(m).contains("answers again"));
    }
  }
}
