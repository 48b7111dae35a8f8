package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.e2e.Distribution.CliResult;
import dev.schedulerx.e2e.Distribution.Daemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Script jobs as an operator meets them: three daemons as separate JVMs started through bin/ (the first hosting
 * the embedded server, with an API token), script jobs enabled in worker.conf and declared there; a broadcast
 * shell job runs on all three and {@code logs <id>} shows each host's output; a failing script ends FAILED with
 * its last line.
 */
class ScriptJobsEndToEndTest {
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(90);
  static Path dir;
  static Path conf;
  static final List<Daemon> daemons = new ArrayList<>();

  @BeforeAll
  static void startThreeDaemons() throws Exception {
    dir = Files.createTempDirectory("sx-e2e-scripts");
    int httpPort = Distribution.freePort();
    conf = dir.resolve("worker.conf");
    Files.writeString(conf, """
        schedulerx {
          group-id = "scripts"
          api-token = "scripts-token"
          plugins-dir = "%s"
          data-dir = "%s"
          server.http-port = %d
          worker.scripts.enabled = true
          jobs {
            disk { job-type = shell, execute-mode = broadcast, content = "echo \\"pid $$ of task $SCHEDULERX_TASK_ID says $0\\"" }
            quota { job-type = shell, content = "echo checking; echo 'quota exceeded on /data' >&2; exit 2" }
          }
        }
        """.formatted(dir.resolve("plugins"), dir.resolve("data"), httpPort));
    Files.createDirectories(dir.resolve("plugins"));
    daemons.add(Daemon.start(conf, dir.resolve("a.log"), Duration.ofSeconds(90)));
    String join = ServerDistribution.joining(httpPort);
    daemons.add(Daemon.launch(conf, dir.resolve("b.log"), join));
    daemons.add(Daemon.launch(conf, dir.resolve("c.log"), join));
    for (Daemon d : daemons) {
      d.awaitReady(Duration.ofSeconds(90));
    }
  }

  @AfterAll
  static void stopAll() throws Exception {
    for (Daemon d : daemons) {
      d.close();
    }
    Distribution.deleteTree(dir);
  }

  @Test
  void aBroadcastShellJobRunsOnEveryDaemonAndTheLogShowsEachHostsOutput() {
    CliResult run = Distribution.cli(conf, CLI_TIMEOUT, "run", "disk", "--params", "hello", "--wait");
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.lastLine()).matches("SUCCESS \\d+ 3 of 3 workers succeeded");
    String id = run.lastLine().split(" ")[1];

    CliResult logs = Distribution.cli(conf, CLI_TIMEOUT, "logs", id, "--follow");

    assertThat(logs.exitCode()).as(logs.err()).isZero();
    for (Daemon d : daemons) {
      assertThat(logs.outLines()).as("output of %s in\n%s", d.workerId(), logs.out())
          .anySatisfy(line -> assertThat(line).matches(".* INFO  " + d.workerId() + " task \\d+ +pid \\d+ of task \\d+ says hello"));
    }
  }

  @Test
  void aFailingScriptEndsFailedWithItsLastLine() {
    CliResult run = Distribution.cli(conf, CLI_TIMEOUT, "run", "quota", "--wait");

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.lastLine()).matches("FAILED \\d+ quota exceeded on /data");
  }
}
