package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.e2e.Distribution.CliResult;
import dev.schedulerx.e2e.Distribution.Daemon;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-instance logs as a user meets them: a daemon started through bin/ (embedded server, API token) runs
 * HelloWorld, and {@code bin/schedulerx-worker logs <id>} shows the line the processor logged; the daemon also
 * writes its rolling log file where {@code schedulerx.log.dir} says, and the CLI writes none.
 */
class InstanceLogsEndToEndTest {
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);

  static Path dir;
  static Path conf;
  static Path logDir;
  static Daemon daemon;

  @BeforeAll
  static void startDaemon() throws Exception {
    dir = Files.createTempDirectory("sx-e2e-logs");
    Path plugins = Distribution.pluginsWithExamples(dir);
    logDir = dir.resolve("logs");
    conf = dir.resolve("worker.conf");
    Files.writeString(conf, """
        schedulerx {
          group-id = "e2e-logs"
          api-token = "logs-token"
          plugins-dir = "%s"
          data-dir = "%s"
          server.http-port = %d
          jobs { hello { processor = "HelloWorld", time-type = api } }
        }
        """.formatted(plugins, dir.resolve("data"), Distribution.freePort()));
    daemon = Daemon.start(conf, dir.resolve("daemon.out"), Duration.ofSeconds(90), "-Dschedulerx.log.dir=" + logDir);
  }

  @AfterAll
  static void stopDaemon() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    Distribution.deleteTree(dir);
  }

  @Test
  void logsShowsTheLinesTheProcessorLoggedAndTheDaemonWritesItsLogFile() throws Exception {
    CliResult run = cli("run", "hello", "--params", "logs", "--wait");
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    String id = run.lastLine().split(" ")[1];

    CliResult logs = cli("logs", id, "--follow");

    assertThat(logs.exitCode()).as(logs.err()).isZero();
    assertThat(logs.outLines())
        .anySatisfy(line -> assertThat(line).matches(
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  " + daemon.workerId() + " task 0  start of job instance " + id + ": hello logs"));
    assertThat(daemonLog())
        .contains(": ready (")
        .containsPattern("HelloWorld \\[job \\d+ instance " + id + " task 0\\] - start of job instance " + id + ": hello logs");
    assertThat(Files.list(logDir).map(p -> p.getFileName().toString()).toList()).as("the CLI writes no log file")
        .contains("schedulerx-worker.log").allMatch(name -> name.startsWith("schedulerx-worker."));
  }

  /** The daemon's log file, after what it rolled into gzipped files (a run across midnight rolls it). */
  private static String daemonLog() throws IOException {
    StringBuilder text = new StringBuilder();
    try (Stream<Path> files = Files.list(logDir)) {
      for (Path rolled : files.filter(p -> p.getFileName().toString().endsWith(".log.gz")).sorted().toList()) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(rolled))) {
          text.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    }
    return text.append(Files.readString(logDir.resolve("schedulerx-worker.log"))).toString();
  }

  private static CliResult cli(String... args) {
    return Distribution.cliWith(conf, CLI_TIMEOUT, "-Dschedulerx.log.dir=" + logDir + " -Dschedulerx.log.name=cli", args);
  }
}
