package dev.schedulerx.worker.it;

import dev.schedulerx.worker.testing.LogCapture;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.config.WorkerSettings;
import dev.schedulerx.worker.instance.TestPlugins;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A daemon must become ready every time it is started, not just most of the time. */
class WorkerDaemonStartTest {
  @TempDir Path dir;
  private TestServer server;

  @BeforeEach
  void startServer() {
    server = TestServer.inMemory();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void everyStartOfADaemonBecomesReady() throws Exception {
    List<String> failures = new ArrayList<>();
    try (LogCapture pekko = LogCapture.of("org.apache.pekko.actor.LocalActorRefProvider")) {
      for (int i = 0; i < 8; i++) {
        try (WorkerDaemon daemon = TestDaemons.startOnce(server.domain(), TestServer.APP_KEY, dir.resolve("d" + i))) {
          daemon.awaitReady(Duration.ofSeconds(2));
        } catch (TimeoutException e) {
          failures.add("start " + i + ": " + e.getMessage());
        }
      }
      assertThat(pekko.messages(Level.ERROR)).noneMatch(m -> m.contains(TestDaemons.GUARDIAN_FAILED));
    }
    assertThat(failures).isEmpty();
  }

  /** Port 0 for the embedded server's HTTP port: the daemon joins it where it bound (it looked for it on port 0). */
  @Test
  void aDaemonJoinsItsEmbeddedServerOnWhateverPortItBound() throws Exception {
    WorkerSettings settings = WorkerSettings.of(Map.of(
        "group-id", "free-ports", "app-key", "free-ports-key", "server.http-port", 0,
        "plugins-dir", dir.resolve("plugins").toString(), "data-dir", dir.resolve("data").toString()), dir);
    try (WorkerDaemon daemon = WorkerDaemon.builder(settings).pluginSource(TestPlugins.source(dir.resolve("plugins"))).build().start()) {
      daemon.awaitReady(Duration.ofSeconds(30));
    }
  }
}
