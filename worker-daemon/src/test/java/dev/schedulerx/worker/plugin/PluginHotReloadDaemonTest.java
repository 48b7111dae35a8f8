package dev.schedulerx.worker.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.config.WorkerSettings;
import dev.schedulerx.worker.it.TestDaemons;
import dev.schedulerx.worker.it.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload in a running daemon against a real server: JARs are added to, replaced in and removed from its
 * plugins directory while it runs (scanned every 100 ms), and jobs show which version ran.
 */
class PluginHotReloadDaemonTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir Path dir;
  private Path plugins;
  private TestServer server;
  private WorkerDaemon daemon;

  @BeforeEach
  void start() throws Exception {
    plugins = Files.createDirectories(dir.resolve("plugins"));
    HotReloadJars.write(plugins.resolve("versioned.jar"), "Versioned", "v1");
    server = TestServer.inMemory();
    WorkerSettings settings =
        TestDaemons.settings(server.domain(), TestServer.APP_KEY, dir, Map.of("plugins-dir", plugins.toString(), "worker.plugins-scan-interval", "100ms"));
    daemon = WorkerDaemon.builder(settings).build().start();
    daemon.awaitReady(DEADLINE);
    server.upsertJob("versioned", "Versioned", "");
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    server.close();
  }

  @Test
  void aJarReplacedWhileAnInstanceRunsIsUsedFromTheNextRunOn() throws Exception {
    Path gate = dir.resolve("gate");
    long first = server.trigger("versioned", gate.toString());
    await().atMost(DEADLINE).until(() -> server.instance(first).path("state").asText().equals("RUNNING"));

    HotReloadJars.write(plugins.resolve("versioned.jar"), "Versioned", "v2");
    try (var log = dev.schedulerx.worker.testing.LogCapture.of(PluginRegistry.class)) {
      await().atMost(DEADLINE).until(() -> log.messages(ch.qos.logback.classic.Level.INFO).stream()
          .anyMatch(line -> line.startsWith("plugin versioned.jar changed on disk: reload once")));
      Files.createFile(gate);

      JsonNode finished = server.awaitFinished(first, DEADLINE);
      assertThat(finished.path("state").asText()).isEqualTo("SUCCESS");
      assertThat(finished.path("result").asText()).as("the running instance kept the old version").isEqualTo("v1");
      await().atMost(DEADLINE).until(() -> log.messages(ch.qos.logback.classic.Level.INFO)
          .contains("reloaded plugin versioned.jar: Versioned (was: Versioned)"));
    }

    JsonNode next = server.awaitFinished(server.trigger("versioned", ""), DEADLINE);
    assertThat(next.path("state").asText()).isEqualTo("SUCCESS");
    assertThat(next.path("result").asText()).isEqualTo("v2");
  }

  @Test
  void anAddedJarRunsWithoutRestartAndARemovedOnesProcessorIsNotFoundAnyMore() throws Exception {
    server.upsertJob("extra", "Extra", "");
    HotReloadJars.write(plugins.resolve("extra.jar"), "Extra", "extra ran");
    await().atMost(DEADLINE).until(() -> daemon.plugins().find("Extra").isPresent());

    JsonNode ran = server.awaitFinished(server.trigger("extra", ""), DEADLINE);
    assertThat(ran.path("state").asText()).isEqualTo("SUCCESS");
    assertThat(ran.path("result").asText()).isEqualTo("extra ran");

    Files.delete(plugins.resolve("extra.jar"));
    await().atMost(DEADLINE).until(() -> daemon.plugins().find("Extra").isEmpty());

    JsonNode gone = server.awaitFinished(server.trigger("extra", ""), DEADLINE);
    assertThat(gone.path("state").asText()).isEqualTo("FAILED");
    assertThat(gone.path("result").asText()).startsWith("processor Extra not found");
    assertThat(daemon.plugins().find("Versioned")).as("other plugins are untouched").isPresent();
  }
}
