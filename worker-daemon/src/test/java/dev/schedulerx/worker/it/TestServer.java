package dev.schedulerx.worker.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.server.SchedulerServer;
import dev.schedulerx.server.config.ServerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A real scheduler server in this JVM (group "g", app key "secret") and a small client for its JSON API.
 */
public final class TestServer implements AutoCloseable {
  public static final String GROUP = "g";
  public static final String APP_KEY = "secret";

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SchedulerServer server;
  /** The server's api-token, sent on every call; "" when it has none. */
  private final String token;

  private TestServer(SchedulerServer server, String token) {
    this.server = server;
    this.token = token;
  }

  /** H2 in memory, requiring {@code token} as bearer token on its REST API (script and HTTP jobs need one). */
  public static TestServer inMemoryWithToken(String token) {
    return start(0, "jdbc:h2:mem:it-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", Path.of("target"), token);
  }

  /** H2 in memory, HTTP and remoting on free ports. */
  public static TestServer inMemory() {
    return start(0, "jdbc:h2:mem:it-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", Path.of("target"));
  }

  /** The default H2 file database under {@code dataDir}, HTTP on {@code httpPort}: can be restarted as the same server. */
  public static TestServer onDisk(Path dataDir, int httpPort) {
    return start(httpPort, "", dataDir);
  }

  /** H2 in memory, with {@code alerting}'s channels (jobs' rules: their monitorConfig and contact). */
  public static TestServer withAlerting(dev.schedulerx.server.alert.AlertSettings alerting) {
    return withAlerting(alerting, "jdbc:h2:mem:it-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
  }

  /** As {@link #withAlerting(dev.schedulerx.server.alert.AlertSettings)} on the database at {@code url}. */
  public static TestServer withAlerting(dev.schedulerx.server.alert.AlertSettings alerting, String url) {
    return new TestServer(SchedulerServer.builder(settings(0, url, Path.of("target"), "")).alerting(alerting).build().start(), "");
  }

  private static TestServer start(int httpPort, String url, Path dataDir) {
    return start(httpPort, url, dataDir, "");
  }

  private static TestServer start(int httpPort, String url, Path dataDir, String token) {
    return new TestServer(SchedulerServer.builder(settings(httpPort, url, dataDir, token)).build().start(), token);
  }

  private static ServerSettings settings(int httpPort, String url, Path dataDir, String token) {
    ServerSettings settings =
        new ServerSettings("127.0.0.1", httpPort, 0, dataDir,
            new ServerSettings.DatabaseSettings(url, "sa", "", 4),
            Duration.ofSeconds(9), Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofDays(1),
            List.of(new ServerSettings.AppGroup("ns", GROUP, APP_KEY)), token.isEmpty() ? ServerSettings.ApiSecurity.DEFAULT
                : new ServerSettings.ApiSecurity(token, ServerSettings.ApiSecurity.DEFAULT.openApiSkew()),
            ServerSettings.Lease.DEFAULT, TlsSettings.OFF);
    return settings;
  }

  /** A TCP port nothing listens on right now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int httpPort() {
    return server.httpPort();
  }

  /** {@code host:port} of the HTTP side, as a worker's {@code domain} names it. */
  public String domain() {
    return "127.0.0.1:" + server.httpPort();
  }

  public String remotingAddress() {
    return server.remotingAddress();
  }

  /** Creates or updates a job of group "g"; {@code more} is extra JSON fields, e.g. {@code "parameters":"x"}. */
  public void upsertJob(String name, String processor, String more) {
    String body = "{\"group\":\"" + GROUP + "\",\"name\":\"" + name + "\",\"processor\":\"" + processor + "\""
        + (more.isEmpty() ? "" : "," + more) + "}";
    call("POST", "/api/v1/jobs", body);
  }

  /** Runs a job now; returns the instance id. */
  public long trigger(String job, String instanceParameters) {
    String body = "{\"parameters\":" + quote(instanceParameters) + "}";
    return call("POST", "/api/v1/jobs/" + job + "/run", body).path("instanceId").asLong();
  }

  public JsonNode instance(long id) {
    return call("GET", "/api/v1/instances/" + id, null);
  }

  /** Waits until the instance has ended (its finishedAt is set) and returns it as it is then. */
  public JsonNode awaitFinished(long instanceId, Duration within) {
    await().atMost(within).until(() -> instance(instanceId).path("finishedAt").isTextual());
    return instance(instanceId);
  }

  public JsonNode job(String name) {
    return call("GET", "/api/v1/jobs/" + name, null);
  }

  /** The server's workflows, driven directly (the HTTP routes are tested on their own). */
  public dev.schedulerx.server.workflow.Workflows workflows() {
    return server.workflows();
  }

  /** The id of the job of group "g" named {@code name}. */
  public long jobId(String name) {
    return job(name).path("id").asLong();
  }

  public void deleteJob(String name) {
    call("DELETE", "/api/v1/jobs/" + name, null);
  }

  public JsonNode workers() {
    return call("GET", "/api/v1/workers", null);
  }

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Any REST call; the answer must be 200. */
  public JsonNode call(String method, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + domain() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .headers(token.isEmpty() ? new String[] {"X-No-Token", "1"} : new String[] {"Authorization", "Bearer " + token})
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
