package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schedulerx.e2e.Distribution.Daemon;
import dev.schedulerx.e2e.ServerCluster.Node;
import dev.schedulerx.e2e.ServerDistribution.PostgresqlSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code bin/schedulerx-server} processes on one PostgreSQL schema elect one leader; a daemon joined
 * through a follower's HTTP port runs a {@code second_delay} job; the leader is killed with SIGKILL, another
 * node takes over within 10 s, the job keeps running and no run is started twice.
 */
class LeaderFailoverEndToEndTest {
  private static final Duration READY = Duration.ofSeconds(90);
  private static final String GROUP = "ha-e2e";
  private static final String KEY = "ha-key";

  @TempDir Path dir;

  @Test
  void aKilledLeaderIsReplacedAndTheJobKeepsRunningWithoutDuplicateRuns() throws Exception {
    List<Node> nodes = new ArrayList<>();
    try (PostgresqlSchema schema = PostgresqlSchema.create()) {
      try {
        for (int i = 0; i < 3; i++) {
          nodes.add(startNode(i, schema));
        }
        Node leader = awaitLeader(nodes, null);
        Node domain = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();

        Path plugins = Distribution.pluginsWithExamples(dir);
        Path workerConf = Files.writeString(dir.resolve("worker.conf"), """
            schedulerx {
              group-id = "%s"
              app-key = "%s"
              plugins-dir = "%s"
              data-dir = "%s"
              jobs { tick { processor = "HelloWorld", time-type = second_delay, time-expression = "1", parameters = "ha" } }
            }
            """.formatted(GROUP, KEY, plugins, dir.resolve("worker-data")));
        try (Daemon daemon = Daemon.start(workerConf, dir.resolve("worker.log"), READY,
            ServerDistribution.joining(domain.httpPort()))) {
          await("several successful runs before the kill").atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> schema.successes("tick", 0) >= 3);

          long killedAt = System.currentTimeMillis();
          leader.server().process.destroyForcibly(); // SIGKILL: no lease release, no goodbye
          assertThat(leader.server().process.waitFor(10, TimeUnit.SECONDS)).isTrue();
          long killNanos = System.nanoTime();

          List<Node> survivors = nodes.stream().filter(n -> n != leader).toList();
          Node newLeader = awaitLeader(survivors, Duration.ofSeconds(10));
          Duration takeover = Duration.ofNanos(System.nanoTime() - killNanos);
          System.out.println("leader " + leader.remoting() + " killed; " + newLeader.remoting() + " leads after " + takeover);
          assertThat(takeover).isLessThanOrEqualTo(Duration.ofSeconds(10));
          assertThat(newLeader.server().logText()).contains("this node is now the leader");

          await("new successful runs after the kill").atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> schema.successes("tick", killedAt) >= 3);

          assertThat(schema.queryOne(
                  "SELECT COUNT(*) FROM (SELECT schedule_time FROM sx_job_instance WHERE job_name = 'tick'"
                      + " GROUP BY schedule_time HAVING COUNT(*) > 1) d"))
              .as("schedule times with more than one row")
              .isEqualTo("0");
          System.out.println("runs of tick by state: " + schema.queryOne(
              "SELECT string_agg(state || ':' || n, ', ') FROM (SELECT state, COUNT(*) n FROM sx_job_instance"
                  + " WHERE job_name = 'tick' GROUP BY state) s"));
          assertThat(daemon.logText()).as("worker log").isNotEmpty();
        }
      } catch (AssertionError | Exception e) {
        ServerCluster.printLogs(nodes, dir.resolve("worker.log"));
        throw e;
      } finally {
        ServerCluster.closeAll(nodes);
      }
    }
  }

  private Node startNode(int index, PostgresqlSchema schema) throws Exception {
    return ServerCluster.startNode(schema, dir, index, GROUP, KEY, READY);
  }

  private static Node awaitLeader(List<Node> nodes, Duration within) {
    return ServerCluster.awaitLeader(nodes, within, GROUP, KEY);
  }
}
