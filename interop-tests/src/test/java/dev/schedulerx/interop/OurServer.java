package dev.schedulerx.interop;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Our scheduler server, started through {@code bin/schedulerx-server} on a free HTTP port with one group,
 * and its JSON API.
 */
final class OurServer implements AutoCloseable {
  static final String NAMESPACE = "interop";
  static final String GROUP = "interop";
  static final String APP_KEY = "interop-key";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  final int httpPort;
  final Processes process;
  /** The server's api-token, sent on REST calls; "" for none. */
  private final String token;

  private OurServer(int httpPort, Processes process, String token) {
    this.httpPort = httpPort;
    this.process = process;
    this.token = token;
  }

  static OurServer start(Path dir) throws IOException {
    return start(dir, "");
  }

  /**
   * Started with more app groups than the interop one: {@code moreGroups} are further HOCON entries of the
   * {@code groups} list, e.g. {@code , { namespace = "interop", group-id = "other", app-key = "k" }}.
   */
  static OurServer start(Path dir, String moreGroups) throws IOException {
    return start(dir, moreGroups, "");
  }

  /** Starts the server requiring {@code token} on its REST API (script and HTTP jobs need one). */
  static OurServer withToken(Path dir, String token) throws IOException {
    return start(dir, "", token);
  }

  private static OurServer start(Path dir, String moreGroups, String token) throws IOException {
    int port = Processes.freePort();
    Path conf = dir.resolve("server.conf");
    Files.writeString(conf, """
        schedulerx-server {
          host = "127.0.0.1"
          http-port = %d
          remoting-port = 0
          data-dir = "%s"
          schedule-poll-interval = 50ms
          groups = [ { namespace = "%s", group-id = "%s", app-key = "%s" } %s ]
          api-token = "%s"
        }
        """.formatted(port, dir.resolve("server-data"), NAMESPACE, GROUP, APP_KEY, moreGroups, token));
    Processes server = Processes.start("our server", Processes.launcher("bin/schedulerx-server", conf, "512m"), dir.resolve("server.log"));
    // 120 s: the first start after a build reads every JAR from disk, which took over 60 s on a loaded 2-core machine
    try {
      server.awaitLine("scheduler server ready: ", Duration.ofSeconds(120));
    } catch (RuntimeException | AssertionError e) {
      server.close(); // a server that never got ready must not outlive the test
      throw e;
    }
    return new OurServer(port, server, token);
  }

  String domain() {
    return "127.0.0.1:" + httpPort;
  }

  /**
   * Map settings for grid jobs as the official worker was seen running them (PROTOCOL.md section 9): without
   * them it dispatches 5 sub-tasks per worker at a time from a queue of 10, and a large map crawls.
   */
  static final String GRID_XATTRS =
      "{\"taskDispatchMode\":\"push\",\"consumerSize\":5,\"dispatcherSize\":5,\"pageSize\":100,\"queueSize\":10000}";

  /** Declares (or replaces) an api-triggered java job in the interop group. */
  void upsertJob(String name, String processor, String executeMode, String parameters) {
    ObjectNode spec = JSON.createObjectNode()
        .put("group", GROUP).put("name", name).put("processor", processor).put("executeMode", executeMode)
        .put("parameters", parameters).put("timeType", "api");
    if (executeMode.equals("grid")) {
      spec.put("xattrs", GRID_XATTRS);
    }
    post("/api/v1/jobs", spec.toString());
  }

  long trigger(String job) {
    return post("/api/v1/jobs/" + job + "/run", "").path("instanceId").asLong();
  }

  JsonNode instance(long id) {
    return get("/api/v1/instances/" + id);
  }

  /** Waits until the instance has ended (its finishedAt is set) and returns it as it is then. */
  JsonNode awaitFinished(long instanceId, Duration within) {
    await("instance " + instanceId + " finished").atMost(within).pollInterval(Duration.ofMillis(100))
        .until(() -> instance(instanceId).path("finishedAt").isTextual());
    return instance(instanceId);
  }

  List<JsonNode> workers() {
    List<JsonNode> all = new java.util.ArrayList<>();
    get("/api/v1/workers").forEach(all::add);
    return all;
  }

  /** The raw HTTP answer of a GET on our server (status and body). */
  HttpResponse<String> rawGet(String pathAndQuery) {
    try {
      return http.send(authorized(HttpRequest.newBuilder(URI.create("http://" + domain() + pathAndQuery))).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  JsonNode get(String path) {
    return parse(rawGet(path), "GET " + path);
  }

  JsonNode post(String path, String body) {
    try {
      HttpResponse<String> response = http.send(
          authorized(HttpRequest.newBuilder(URI.create("http://" + domain() + path))).timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      return parse(response, "POST " + path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder request) {
    return token.isEmpty() ? request : request.header("Authorization", "Bearer " + token);
  }

  private static JsonNode parse(HttpResponse<String> response, String what) {
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(what + " answered " + response.statusCode() + ": " + response.body());
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(what + " answered no JSON: " + response.body(), e);
    }
  }

  @Override
  public void close() {
    process.close();
  }
}
