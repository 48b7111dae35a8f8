package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.e2e.Distribution.Daemon;
import dev.schedulerx.e2e.ServerDistribution.PostgresqlSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code bin/schedulerx-server} processes on one PostgreSQL schema elect one leader; a daemon joined
 * through a follower's HTTP port runs a {@code second_delay} job; the leader is killed with SIGKILL, another
 * node takes over within 10 s, the job keeps running and no run is started twice.
 */
class LeaderFailoverEndToEndTest {
  private static final Duration READY = Duration.ofSeconds(90);
  private static final Pattern READY_LINE =
      Pattern.compile("scheduler server ready: http 127\\.0\\.0\\.1:(\\d+), remoting akka\\.tcp://server@([^,\\s]+),");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GROUP = "ha-e2e";
  private static final String KEY = "ha-key";

  @TempDir Path dir;

  /** One server process, its HTTP port and its remoting address (host:port) from its ready line. */
  private record Node(Daemon server, int httpPort, String remoting) {}

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
        for (Node n : nodes) {
          System.err.println("---- server " + n.httpPort() + " log:\n" + n.server().logText());
        }
        System.err.println("---- worker log:\n" + Distribution.readQuietly(dir.resolve("worker.log")));
        throw e;
      } finally {
        for (Node n : nodes) {
          n.server().close();
        }
      }
    }
  }

  private Node startNode(int index, PostgresqlSchema schema) throws Exception {
    int httpPort = Distribution.freePort();
    Daemon server = ServerDistribution.startClusterNode(schema, dir, index, httpPort, GROUP, KEY, READY);
    Matcher m = READY_LINE.matcher(server.logText());
    assertThat(m.find()).as("ready line in " + server.logText()).isTrue();
    assertThat(Integer.parseInt(m.group(1))).isEqualTo(httpPort);
    return new Node(server, httpPort, m.group(2));
  }

  /**
   * The node all of {@code nodes} name in discovery and that logged taking the lease; {@code within} null
   * means a generous start-up wait.
   */
  private static Node awaitLeader(List<Node> nodes, Duration within) {
    Node[] found = new Node[1];
    await("one leader named by every node").atMost(within == null ? Duration.ofSeconds(30) : within)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> {
          String answer = null;
          for (Node n : nodes) {
            String a = leaderAddr(n);
            if (a == null || (answer != null && !answer.equals(a))) {
              return false;
            }
            answer = a;
          }
          for (Node n : nodes) {
            if (n.remoting().equals(answer) && n.server().logText().contains("this node is now the leader")) {
              found[0] = n;
              return true;
            }
          }
          return false;
        });
    return found[0];
  }

  private static String leaderAddr(Node node) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort()
              + "/worker/v1/appgroup/getLeaderAddr?groupId=" + GROUP + "&appKey=" + KEY + "&namespace=default"))
          .timeout(Duration.ofSeconds(2))
          .build();
      String body = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
      String data = JSON.readTree(body).path("data").asText("");
      return data.isEmpty() ? null : data;
    } catch (Exception e) {
      return null;
    }
  }
}
