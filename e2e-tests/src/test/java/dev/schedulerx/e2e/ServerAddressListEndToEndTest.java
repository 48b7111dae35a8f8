package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schedulerx.e2e.Distribution.CliResult;
import dev.schedulerx.e2e.Distribution.Daemon;
import dev.schedulerx.e2e.ServerDistribution.PostgresqlSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code bin/schedulerx-server} processes on PostgreSQL and a daemon whose {@code schedulerx.domain} lists
 * both, the leader first: the leader, which is also the node the daemon discovered through, is killed with
 * SIGKILL; the daemon moves to the other node and keeps running the job, and the CLI given the same list
 * still runs a job.
 */
class ServerAddressListEndToEndTest {
  private static final Duration READY = Duration.ofSeconds(90);
  private static final Pattern READY_LINE = Pattern.compile("scheduler server ready: http 127\\.0\\.0\\.1:(\\d+),");
  private static final String GROUP = "list-e2e";
  private static final String KEY = "list-key";

  @TempDir Path dir;

  @Test
  void theDaemonAndTheCliMoveToTheNextServerWhenTheNodeTheyUsedIsKilled() throws Exception {
    List<Daemon> servers = new ArrayList<>();
    try (PostgresqlSchema schema = PostgresqlSchema.create()) {
      try {
        Daemon first = startNode(0, schema);
        servers.add(first);
        first.awaitLine("this node is now the leader", Duration.ofSeconds(30));
        Daemon second = startNode(1, schema);
        servers.add(second);
        String domains = "127.0.0.1:" + httpPort(first) + ",127.0.0.1:" + httpPort(second);
        String joining = "-Dschedulerx.server.embedded=false -Dschedulerx.domain=" + domains;

        Path plugins = Distribution.pluginsWithExamples(dir);
        Path workerConf = Files.writeString(dir.resolve("worker.conf"), """
            schedulerx {
              group-id = "%s"
              app-key = "%s"
              plugins-dir = "%s"
              data-dir = "%s"
              jobs {
                tick { processor = "HelloWorld", time-type = second_delay, time-expression = "1", parameters = "list" }
                hello { processor = "HelloWorld" }
              }
            }
            """.formatted(GROUP, KEY, plugins, dir.resolve("worker-data")));
        try (Daemon daemon = Daemon.start(workerConf, dir.resolve("worker.log"), READY, joining)) {
          await("runs before the kill").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
              .until(() -> schema.successes("tick", 0) >= 2);

          long killedAt = System.currentTimeMillis();
          first.crash(); // the leader and the daemon's discovery node: no lease release, no goodbye

          second.awaitLine("this node is now the leader", Duration.ofSeconds(10));
          daemon.awaitLine("server discovery now through 127.0.0.1:" + httpPort(second), Duration.ofSeconds(15));
          await("runs after the kill").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
              .until(() -> schema.successes("tick", killedAt) >= 2);
          System.out.println("first run after the kill " + (schema.firstSuccessAfter("tick", killedAt) - killedAt) + " ms after it");

          CliResult run = Distribution.cliWith(workerConf, Duration.ofSeconds(60), joining,
              "run", "hello", "--params", "after-failover", "--wait");
          assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
          assertThat(run.lastLine()).startsWith("SUCCESS").endsWith("hello after-failover");
        }
      } catch (AssertionError | Exception e) {
        for (Daemon s : servers) {
          System.err.println("---- " + s.log + ":\n" + s.logText());
        }
        System.err.println("---- worker log:\n" + Distribution.readQuietly(dir.resolve("worker.log")));
        throw e;
      } finally {
        for (Daemon s : servers) {
          s.close();
        }
      }
    }
  }

  private Daemon startNode(int index, PostgresqlSchema schema) throws Exception {
    return ServerDistribution.startClusterNode(schema, dir, index, Distribution.freePort(), GROUP, KEY, READY);
  }

  private static int httpPort(Daemon server) {
    Matcher m = READY_LINE.matcher(server.logText());
    assertThat(m.find()).as("ready line in " + server.logText()).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
