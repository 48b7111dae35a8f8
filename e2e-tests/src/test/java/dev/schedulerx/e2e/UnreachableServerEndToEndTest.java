package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.e2e.Distribution.Daemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A daemon whose scheduler server does not answer (down, or a wrong address in its config). */
class UnreachableServerEndToEndTest {
  @TempDir Path dir;

  @Test
  void sigtermStopsADaemonStillWaitingToRegisterAtOnceAndCleanly() throws Exception {
    int nobodyListens = Distribution.freePort();
    Path conf = Files.writeString(dir.resolve("worker.conf"), """
        schedulerx {
          group-id = "unreachable"
          app-key = "e2e-key"
          domain = "127.0.0.1:%d"
          server.embedded = false
          plugins-dir = "%s"
          data-dir = "%s"
          remoting { host = "127.0.0.1", port = 0 }
          worker.http.port = 0
        }
        """.formatted(nobodyListens, Distribution.pluginsWithExamples(dir), dir.resolve("data")));

    try (Daemon daemon = Daemon.launch(conf, dir.resolve("worker.log"), "")) {
      daemon.awaitLine("server discovery failed", Duration.ofSeconds(60));

      // It would wait 60 s for the server before giving up; an operator's stop must not.
      assertThat(daemon.stop(Duration.ofSeconds(10))).as("exit code after SIGTERM").isZero();
      assertThat(daemon.logText())
          .contains("worker " + daemon.workerId() + " asked to stop before it registered with the scheduler server")
          .doesNotContain("not registered with the scheduler server");
    }
  }
}
