package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.e2e.Distribution.CliResult;
import dev.schedulerx.e2e.Distribution.Daemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin hot reload as a user meets it: a daemon started through bin/schedulerx-worker with an empty
 * plugins directory; the examples JAR is copied in while it runs, and its job runs without a restart.
 */
class PluginHotReloadEndToEndTest {
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private Path conf;
  private Daemon daemon;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  private CliResult cli(String... args) {
    return Distribution.cli(conf, CLI_TIMEOUT, args);
  }

  @Test
  void aJarCopiedIntoPluginsOfARunningDaemonRunsItsJobsAndARemovedOneIsGone() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    conf = dir.resolve("worker.conf");
    Files.writeString(conf, """
        schedulerx {
          group-id = "hot"
          app-key = "hot-key"
          plugins-dir = "%s"
          data-dir = "%s"
          server.http-port = %d
          worker.plugins-scan-interval = 200ms
          jobs { hello { processor = "HelloWorld", time-type = api } }
        }
        """.formatted(plugins, dir.resolve("data"), Distribution.freePort()));
    daemon = Daemon.start(conf, dir.resolve("daemon.log"), Duration.ofSeconds(90));
    assertThat(daemon.logText()).contains("ready (0 processor(s) loaded");

    // copy next to the directory, then move in: the daemon never sees a half-written JAR
    Path staged = Files.copy(Distribution.examplesJar(), dir.resolve("examples.jar.part"));
    Files.move(staged, plugins.resolve("examples.jar"), StandardCopyOption.ATOMIC_MOVE);
    daemon.awaitLine("loaded plugin examples.jar: HelloWorld", Duration.ofSeconds(20));

    CliResult listed = cli("plugins");
    assertThat(listed.out()).contains("HelloWorld").contains("examples.jar");
    CliResult ran = cli("run", "hello", "--params", "hot", "--wait");
    assertThat(ran.exitCode()).as(ran.out() + ran.err()).isZero();
    assertThat(ran.lastLine()).matches("SUCCESS \\d+ hello hot");

    Files.delete(plugins.resolve("examples.jar"));
    daemon.awaitLine("unloaded plugin examples.jar: HelloWorld", Duration.ofSeconds(20));
    CliResult gone = cli("run", "hello", "--wait");
    assertThat(gone.exitCode()).isEqualTo(1);
    assertThat(gone.lastLine()).startsWith("FAILED ").contains("processor HelloWorld not found");
  }
}
