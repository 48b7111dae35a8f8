package dev.schedulerx.server.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.server.SchedulerServer;
import dev.schedulerx.server.config.ServerSettings;
import dev.schedulerx.server.store.LeaderLease;
import dev.schedulerx.server.store.ServerDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two (or more) servers in one JVM on one in-memory H2: one leader, discovery answers it, fail-over. */
class LeaderElectionTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RENEW = Duration.ofMillis(200);
  private static final Duration TTL = Duration.ofSeconds(1);

  private String url;
  private ServerDatabase database;
  private final List<SchedulerServer> servers = new ArrayList<>();

  @BeforeEach
  void openDatabase() {
    url = "jdbc:h2:mem:ha-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    database = ServerDatabase.open(url, "sa", "", 2);
  }

  @AfterEach
  void stop() {
    servers.forEach(SchedulerServer::close);
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP ALL OBJECTS");
    } catch (Exception e) {
      // best effort
    }
    database.close();
  }

  private SchedulerServer startServer() {
    ServerSettings settings =
        new ServerSettings("127.0.0.1", 0, 0, Path.of("target"),
            new ServerSettings.DatabaseSettings(url, "sa", "", 2),
            Duration.ofMillis(500), Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofDays(1),
            List.of(new ServerSettings.AppGroup("ns", "g", "secret")),
            ServerSettings.ApiSecurity.DEFAULT, new ServerSettings.Lease(RENEW, TTL), TlsSettings.OFF);
    SchedulerServer server = SchedulerServer.builder(settings).build().start();
    servers.add(server);
    return server;
  }

  private static String leaderAddr(SchedulerServer server) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort()
                + "/worker/v1/appgroup/getLeaderAddr?groupId=g&appKey=secret&namespace=ns"))
            .timeout(Duration.ofSeconds(5))
            .build();
    String body = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    return JSON.readTree(body).path("data").asText();
  }

  private static void post(SchedulerServer server, String path, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private long instanceCount() throws Exception {
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM sx_job_instance")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private long duplicateScheduleTimes() throws Exception {
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM (SELECT job_id, schedule_time FROM sx_job_instance"
            + " WHERE attempt = 0 GROUP BY job_id, schedule_time HAVING COUNT(*) > 1) d")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void exactlyOneLeaderWhomDiscoveryOnEveryNodeNamesAndTheOtherTakesOverWhenItCloses() throws Exception {
    SchedulerServer a = startServer();
    SchedulerServer b = startServer();
    await().atMost(Duration.ofSeconds(5)).until(() -> a.isLeader() || b.isLeader());
    Thread.sleep(3 * RENEW.toMillis());
    assertThat(a.isLeader() ^ b.isLeader()).as("exactly one leader").isTrue();
    SchedulerServer leader = a.isLeader() ? a : b;
    SchedulerServer follower = leader == a ? b : a;
    assertThat(leaderAddr(a)).isEqualTo(leader.remotingAddress());
    assertThat(leaderAddr(b)).isEqualTo(leader.remotingAddress());

    long closedAt = System.nanoTime();
    leader.close();
    servers.remove(leader);
    // A clean close releases the lease; the bound holds for a crash too.
    await().atMost(TTL.plus(RENEW).plusMillis(500)).until(follower::isLeader);
    assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(TTL.plus(RENEW).plusMillis(500));
    assertThat(leaderAddr(follower)).isEqualTo(follower.remotingAddress());
  }

  @Test
  void aLeaderThatStopsRenewingIsReplacedWithinTheTtl() throws Exception {
    LeaderLease lease = new LeaderLease(database.dataSource());
    // Another node leads while b starts, however long b's start takes on a loaded machine...
    assertThat(lease.tryAcquireOrRenew("dead", "127.0.0.1:1", "127.0.0.1:2", Instant.now(), Duration.ofMinutes(5))).isTrue();
    SchedulerServer b = startServer();
    assertThat(leaderAddr(b)).isEqualTo("127.0.0.1:1");
    // ...then renews one last time and dies without releasing: its lease runs out by itself.
    assertThat(lease.tryAcquireOrRenew("dead", "127.0.0.1:1", "127.0.0.1:2", Instant.now(), TTL)).isTrue();
    long diedAt = System.nanoTime();
    await().atMost(TTL.plus(RENEW).plusMillis(500)).until(b::isLeader);
    assertThat(Duration.ofNanos(System.nanoTime() - diedAt)).isGreaterThanOrEqualTo(TTL.minusMillis(100));
    assertThat(leaderAddr(b)).isEqualTo(b.remotingAddress());
  }

  @Test
  void onlyTheLeaderCreatesScheduledInstances() throws Exception {
    LeaderLease lease = new LeaderLease(database.dataSource());
    // Someone else leads (for a long time): the two nodes must not schedule.
    assertThat(lease.tryAcquireOrRenew("other", "127.0.0.1:1", "127.0.0.1:2", Instant.now(), Duration.ofMinutes(5)))
        .isTrue();
    SchedulerServer a = startServer();
    SchedulerServer b = startServer();
    post(a, "/api/v1/jobs", "{\"group\":\"g\",\"name\":\"every-second\",\"processor\":\"HelloWorld\","
        + "\"timeType\":\"second_delay\",\"timeExpression\":\"1\"}");
    Thread.sleep(2_000);
    assertThat(a.isLeader() || b.isLeader()).isFalse();
    assertThat(instanceCount()).as("instances created while neither node leads").isZero();

    lease.release("other");
    await().atMost(TTL.plus(RENEW).plusMillis(500)).until(() -> a.isLeader() || b.isLeader());
    // after the worker grace (500 ms) the leader starts runs (they fail: no worker in this test)
    await().atMost(Duration.ofSeconds(10)).until(() -> instanceCount() >= 3);
    assertThat(a.isLeader() ^ b.isLeader()).isTrue();
    assertThat(duplicateScheduleTimes()).isZero();
  }
}
