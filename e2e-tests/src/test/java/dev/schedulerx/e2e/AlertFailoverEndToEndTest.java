package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.schedulerx.e2e.Distribution.Daemon;
import dev.schedulerx.e2e.ServerDistribution.PostgresqlSchema;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerting across a leader failover: three {@code bin/schedulerx-server} processes on one PostgreSQL schema, 50
 * failing instances (a job whose group has no worker, failLimitTimes 1) each raising one alert to a slow webhook
 * receiver; the leader is killed with SIGKILL while it sends. The new leader sends the rest and the alert that
 * was in flight (after its claim expired): the receiver sees every one of the 50 idempotency keys, none missing.
 */
class AlertFailoverEndToEndTest {
  private static final Duration READY = Duration.ofSeconds(90);
  private static final Pattern READY_LINE =
      Pattern.compile("scheduler server ready: http 127\\.0\\.0\\.1:(\\d+), remoting akka\\.tcp://server@([^,\\s]+),");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GROUP = "alert-ha";
  private static final String KEY = "alert-ha-key";
  private static final int RUNS = 50;

  @TempDir Path dir;

  private record Node(Daemon server, int httpPort, String remoting) {}

  @Test
  void everyAlertReachesTheReceiverAfterTheSendingLeaderWasKilled() throws Exception {
    Map<String, AtomicInteger> byKey = new ConcurrentHashMap<>();
    AtomicInteger requests = new AtomicInteger();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.setExecutor(Executors.newFixedThreadPool(4));
    receiver.createContext("/hook", exchange -> {
      String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
      exchange.getRequestBody().readAllBytes();
      requests.incrementAndGet();
      byKey.computeIfAbsent(String.valueOf(key), k -> new AtomicInteger()).incrementAndGet();
      try {
        Thread.sleep(300); // a slow target: the leader is killed while a send waits for its answer
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    receiver.start();
    String alerting = """
          alerting {
            channels { hook { type = webhook, url = "http://127.0.0.1:%d/hook" } }
            claim-lease = 6s
            http-timeout = 3s
            poll-interval = 200ms
          }
        """.formatted(receiver.getAddress().getPort());
    List<Node> nodes = new ArrayList<>();
    try (PostgresqlSchema schema = PostgresqlSchema.create()) {
      try {
        for (int i = 0; i < 3; i++) {
          int httpPort = Distribution.freePort();
          Daemon server;
          try {
            server = ServerDistribution.startClusterNode(schema, dir, i, httpPort, GROUP, KEY, alerting, READY);
          } catch (AssertionError e) {
            if (!String.valueOf(e.getMessage()).contains("Port already in use")) {
              throw e;
            }
            // the free port was taken (another node's remoting port) before this node bound it: take another
            httpPort = Distribution.freePort();
            server = ServerDistribution.startClusterNode(schema, dir, i, httpPort, GROUP, KEY, alerting, READY);
          }
          Matcher m = READY_LINE.matcher(server.logText());
          assertThat(m.find()).as("ready line in " + server.logText()).isTrue();
          nodes.add(new Node(server, httpPort, m.group(2)));
        }
        Node leader = awaitLeader(nodes);
        api(leader, "POST", "/api/v1/jobs", JSON.writeValueAsString(Map.of("group", GROUP, "name", "doomed",
            "processor", "Nobody", "monitorConfig", "{\"failLimitTimes\":1}", "contact", "[{\"ding\":\"hook\"}]")));
        for (int i = 0; i < RUNS; i++) {
          api(leader, "POST", "/api/v1/jobs/doomed/run", "{}"); // no worker in the group: fails at once
        }
        await("all alerts stored").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> Integer.parseInt(schema.queryOne("SELECT COUNT(*) FROM sx_alert WHERE kind = 'FAILURE'")) == RUNS);
        await("some alerts delivered").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
            .until(() -> byKey.size() >= 10);

        leader.server().process.destroyForcibly(); // SIGKILL mid-send: no lease release, a claim left behind
        assertThat(leader.server().process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        int atKill = byKey.size();
        String sendingAtKill = schema.queryOne("SELECT COUNT(*) FROM sx_alert WHERE status = 'SENDING'");
        System.out.println("leader killed after " + atKill + " alert(s) received; rows SENDING then: " + sendingAtKill);

        await("every alert received").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
            .until(() -> byKey.size() == RUNS);
        await("every alert recorded SENT").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> schema.queryOne("SELECT COUNT(*) FROM sx_alert WHERE status = 'SENT'").equals(Integer.toString(RUNS)));

        long twice = byKey.values().stream().filter(n -> n.get() > 1).count();
        System.out.println(RUNS + " alerts, " + byKey.size() + " distinct idempotency keys received in " + requests.get()
            + " request(s); keys received more than once (the send in flight at the kill): " + twice);
        assertThat(byKey).hasSize(RUNS);
        assertThat(twice).as("keys delivered again: at most the sends in flight when the leader died")
            .isLessThanOrEqualTo(Math.max(1, Long.parseLong(sendingAtKill)));
      } catch (AssertionError | Exception e) {
        for (Node n : nodes) {
          System.err.println("---- server " + n.httpPort() + " log:\n" + n.server().logText());
        }
        throw e;
      } finally {
        for (Node n : nodes) {
          n.server().close();
        }
        receiver.stop(0);
        ((java.util.concurrent.ExecutorService) receiver.getExecutor()).shutdownNow();
      }
    }
  }

  private static JsonNode api(Node node, String method, String path, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static Node awaitLeader(List<Node> nodes) {
    Node[] found = new Node[1];
    await("a leader").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
      for (Node n : nodes) {
        if (n.server().logText().contains("this node is now the leader")) {
          found[0] = n;
          return true;
        }
      }
      return false;
    });
    return found[0];
  }
}
