package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schedulerx.e2e.Distribution.CliResult;
import dev.schedulerx.e2e.Distribution.Daemon;
import dev.schedulerx.e2e.ServerDistribution.PostgresqlSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone server as a user runs it: {@code bin/schedulerx-server} as one process, a daemon started
 * with {@code bin/schedulerx-worker} joining it over {@code schedulerx.domain}, a job run through the
 * worker CLI, and both stopped with SIGTERM. Once on the default H2, once on PostgreSQL.
 */
class SchedulerServerEndToEndTest {
  private static final Duration READY = Duration.ofSeconds(90);
  private static final Duration STOP = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void aDaemonJoinsTheStandaloneServerOnH2() throws Exception {
    Daemon server = runHelloThroughAJoinedDaemon("");

    assertThat(server.logText()).contains("(H2)");
    assertThat(Files.exists(dir.resolve("server-data/schedulerx.mv.db"))).as("H2 file under data-dir").isTrue();
  }

  @Test
  void aDaemonJoinsTheStandaloneServerOnPostgresql() throws Exception {
    try (PostgresqlSchema schema = PostgresqlSchema.create()) {
      Daemon server = runHelloThroughAJoinedDaemon(
          "database { url = \"%s\", user = \"%s\", password = \"%s\" }".formatted(schema.url(), PostgresqlSchema.USER, PostgresqlSchema.PASSWORD));

      assertThat(server.logText()).contains("(POSTGRESQL)");
      assertThat(schema.queryOne("SELECT result FROM sx_job_instance WHERE job_name = 'hello' AND state = 4"))
          .isEqualTo("hello world");
    }
  }

  /** Server and daemon up, {@code run hello --params world --wait}, both stopped; returns the stopped server. */
  private Daemon runHelloThroughAJoinedDaemon(String databaseBlock) throws Exception {
    int httpPort = Distribution.freePort();
    Path serverConf = Files.writeString(dir.resolve("server.conf"), """
        schedulerx-server {
          http-port = %d
          data-dir = "%s"
          %s
          groups = [{ namespace = "default", group-id = "standalone-e2e", app-key = "e2e-key" }]
        }
        """.formatted(httpPort, dir.resolve("server-data"), databaseBlock));
    Path plugins = Distribution.pluginsWithExamples(dir);
    Path workerConf = Files.writeString(dir.resolve("worker.conf"), """
        schedulerx {
          group-id = "standalone-e2e"
          app-key = "e2e-key"
          plugins-dir = "%s"
          data-dir = "%s"
          jobs { hello { processor = "HelloWorld", time-type = api } }
        }
        """.formatted(plugins, dir.resolve("worker-data")));
    String join = ServerDistribution.joining(httpPort);

    try (Daemon server = Daemon.startServer(serverConf, dir.resolve("server.log"), READY);
        Daemon daemon = Daemon.start(workerConf, dir.resolve("worker.log"), READY, join)) {
      assertThat(server.logText()).contains("scheduler server ready: http 127.0.0.1:" + httpPort);

      CliResult run = Distribution.cliWith(workerConf, Duration.ofSeconds(60), join, "run", "hello", "--params", "world", "--wait");

      assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
      assertThat(run.lastLine()).matches("SUCCESS \\d+ hello world");
      assertThat(daemon.logText()).as("no server inside the daemon").doesNotContain("scheduler server ready");
      assertThat(daemon.stop(STOP)).as("daemon exit code after SIGTERM").isZero();
      await("server saw the worker leave").atMost(Duration.ofSeconds(15))
          .until(() -> server.logText().contains("left group standalone-e2e"));
      assertThat(server.stop(STOP)).as("server exit code after SIGTERM").isZero();
      assertThat(server.logText()).contains("scheduler server stopped");
      return server;
    }
  }
}
