package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.e2e.Distribution.Daemon;
import dev.schedulerx.e2e.ServerDistribution.PostgresqlSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Server processes of one PostgreSQL cluster for the failover tests: start a node, find the leader. */
final class ServerCluster {
  private static final Pattern READY_LINE =
      Pattern.compile("scheduler server ready: http 127\\.0\\.0\\.1:(\\d+), remoting akka\\.tcp://server@([^,\\s]+),");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServerCluster() {}

  /** One server process, its HTTP port and its remoting address (host:port) from its ready line. */
  record Node(Daemon server, int httpPort, String remoting) {}

  /** Starts node {@code index} serving {@code group} and reads its addresses from its ready line. */
  static Node startNode(PostgresqlSchema schema, Path dir, int index, String group, String key, Duration ready)
      throws Exception {
    int httpPort = Distribution.freePort();
    Daemon server = ServerDistribution.startClusterNode(schema, dir, index, httpPort, group, key, ready);
    Matcher m = READY_LINE.matcher(server.logText());
    assertThat(m.find()).as("ready line in " + server.logText()).isTrue();
    assertThat(Integer.parseInt(m.group(1))).isEqualTo(httpPort);
    return new Node(server, httpPort, m.group(2));
  }

  /**
   * The node all of {@code nodes} name in discovery and that logged taking the lease; {@code within} null
   * means a generous start-up wait.
   */
  static Node awaitLeader(List<Node> nodes, Duration within, String group, String key) {
    Node[] found = new Node[1];
    await("one leader named by every node").atMost(within == null ? Duration.ofSeconds(30) : within)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> {
          String answer = null;
          for (Node n : nodes) {
            String a = leaderAddr(n, group, key);
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

  /** After a failure: every node's log and the worker's, to stderr. */
  static void printLogs(List<Node> nodes, Path workerLog) {
    for (Node n : nodes) {
      System.err.println("---- server " + n.httpPort() + " log:\n" + n.server().logText());
    }
    System.err.println("---- worker log:\n" + Distribution.readQuietly(workerLog));
  }

  /** Closes every node's process. */
  static void closeAll(List<Node> nodes) throws InterruptedException {
    for (Node n : nodes) {
      n.server().close();
    }
  }

  /** A REST call on {@code node}; the answer must be 200. */
  static JsonNode api(Node node, String method, String path, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static String leaderAddr(Node node, String group, String key) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort()
              + "/worker/v1/appgroup/getLeaderAddr?groupId=" + group + "&appKey=" + key + "&namespace=default"))
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
