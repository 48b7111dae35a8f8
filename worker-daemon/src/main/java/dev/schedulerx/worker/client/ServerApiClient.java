package dev.schedulerx.worker.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.common.tls.TlsSettings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** The scheduler server's JSON API, as the CLI and the daemon (job upserts) use it. */
public final class ServerApiClient {
  /** The server answered with an error, or could not be reached; the message says which, in one line. */
  public static final class ApiException extends RuntimeException {
    private final int status;

    ApiException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /** A leader lease's default ttl plus a renew interval and some slack: long enough for an election. */
  static final Duration ELECTION_WAIT = Duration.ofSeconds(12);
  static final Duration ELECTION_RETRY = Duration.ofMillis(500);

  private final TlsSettings tls;
  /**
   * Made at the first request: building one loads the JDK's TLS context even for http://, and a worker daemon
   * creates its log-shipping client at start but sends nothing before its first job.
   */
  private HttpClient http;
  /** {@code scheme://host:port} of every server node, in the order they are tried. */
  private final List<String> bases;
  /** The node that answered last; tried first. */
  private final AtomicInteger current = new AtomicInteger();
  private final String group;
  private final String token;

  /**
   * @param hostPort the server's HTTP host:port
   * @param group the app group jobs are looked up in
   * @param token the server's API token, sent as a bearer token; empty when the server requires none
   */
  public ServerApiClient(String hostPort, String group, String token) {
    this(hostPort, group, token, TlsSettings.OFF);
  }

  /**
   * @param hostPorts one server node's HTTP host:port, or several separated by commas: a node that cannot be
   *     connected to is skipped for the next
   * @param tls whether to use HTTPS, and which certificates to trust
   */
  public ServerApiClient(String hostPorts, String group, String token, TlsSettings tls) {
    this.bases = addresses(hostPorts).stream().map(a -> tls.httpScheme() + "://" + a).toList();
    if (bases.isEmpty()) {
      throw new IllegalArgumentException("no server address given");
    }
    this.group = group;
    this.token = token == null ? "" : token;
    this.tls = tls;
  }

  private synchronized HttpClient http() {
    if (http == null) {
      HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
      if (tls.http()) {
        builder.sslContext(tls.clientContext());
      }
      http = builder.build();
    }
    return http;
  }

  public JsonNode jobs() {
    return get("/api/v1/jobs");
  }

  /** The job as GET /api/v1/jobs/{name} answers it: {@code {id, spec, last…}}. */
  public JsonNode job(String name) {
    return get("/api/v1/jobs/" + enc(name) + groupQuery());
  }

  /** The job's newest instances, newest schedule time first. */
  public JsonNode jobInstances(String name, int limit) {
    return get("/api/v1/jobs/" + enc(name) + "/instances" + groupQuery() + (groupQuery().isEmpty() ? "?" : "&") + "limit=" + limit);
  }

  public JsonNode upsertJob(Object spec) {
    return send("POST", "/api/v1/jobs", spec);
  }

  public long trigger(String job, String parameters) {
    return send("POST", "/api/v1/jobs/" + enc(job) + "/run" + groupQuery(), Map.of("parameters", parameters == null ? "" : parameters))
        .path("instanceId").asLong();
  }

  public JsonNode instance(long id) {
    return get("/api/v1/instances/" + id);
  }

  /** Kills a running instance; returns the server's one-line outcome. */
  public String kill(long id) {
    return send("POST", "/api/v1/instances/" + id + "/kill", Map.of()).path("message").asText();
  }

  /** One page of an instance's log: {@code {lines:[{seq, time, worker, taskId, level, logger, message}], next}}. */
  public JsonNode logs(long id, long afterSeq, int limit) {
    return get("/api/v1/instances/" + id + "/logs?after=" + afterSeq + "&limit=" + limit);
  }

  /** Stores a worker's processor log lines of one instance: {@code {worker, lines:[{time, taskId, level, logger, message}]}}. */
  public void appendLogs(long instanceId, Object body) {
    send("POST", "/api/v1/instances/" + instanceId + "/logs", body);
  }

  public JsonNode workers() {
    return get("/api/v1/workers");
  }

  public JsonNode groups() {
    return get("/api/v1/groups");
  }

  public JsonNode group(String groupId) {
    return get("/api/v1/groups/" + enc(groupId));
  }

  public JsonNode createGroup(Map<String, Object> body) {
    return send("POST", "/api/v1/groups", body);
  }

  public JsonNode updateGroup(String groupId, Map<String, Object> body) {
    return send("PUT", "/api/v1/groups/" + enc(groupId), body);
  }

  public JsonNode deleteGroup(String groupId, boolean deleteJobs) {
    return send("DELETE", "/api/v1/groups/" + enc(groupId) + "?deleteJobs=" + deleteJobs, Map.of());
  }

  public JsonNode namespaces() {
    return get("/api/v1/namespaces");
  }

  public JsonNode createNamespace(String uid, String name) {
    return send("POST", "/api/v1/namespaces", Map.of("uid", uid, "name", name == null ? uid : name));
  }

  /** The audit trail, newest first: optionally one group's, one object type's or one object's. */
  public JsonNode operations(String groupId, String objectType, String objectId, int limit) {
    StringBuilder q = new StringBuilder("?limit=" + limit);
    if (groupId != null) {
      q.append("&group=").append(enc(groupId));
    }
    if (objectType != null) {
      q.append("&objectType=").append(enc(objectType));
    }
    if (objectId != null) {
      q.append("&objectId=").append(enc(objectId));
    }
    return get("/api/v1/operations" + q);
  }

  /** Pins a job to workers or labels: {@code type} workers, labels or none. */
  public JsonNode designate(String job, String type, java.util.List<String> targets, boolean transferable) {
    return send("POST", "/api/v1/jobs/" + enc(job) + "/designate" + groupQuery(),
        Map.of("type", type, "targets", targets, "transferable", transferable));
  }

  /** Back-fills the job's schedule times in {@code [from, to]}; returns the created instance ids. */
  public JsonNode rerun(String job, String from, String to, String parameters) {
    return send("POST", "/api/v1/jobs/" + enc(job) + "/rerun" + groupQuery(),
        Map.of("from", from, "to", to, "parameters", parameters == null ? "" : parameters));
  }

  /** The alert history, newest first; {@code status} and {@code kind} filter when not null. */
  public JsonNode alerts(int limit, String status, String kind) {
    return get("/api/v1/alerts?limit=" + limit + (status == null ? "" : "&status=" + enc(status))
        + (kind == null ? "" : "&kind=" + enc(kind)));
  }

  /** Queues a test alert to a configured channel; answers {@code {alertId, channel}}. */
  public JsonNode testAlert(String channel) {
    return send("POST", "/api/v1/alert-channels/" + enc(channel) + "/test", Map.of());
  }

  public JsonNode workflows() {
    return get("/api/v1/workflows");
  }

  /** Creates or updates a workflow by group and name, with its DAG when the spec has one. */
  public JsonNode upsertWorkflow(Object spec) {
    return send("POST", "/api/v1/workflows", spec);
  }

  /** Runs a workflow (by name or id) now; returns the new workflow instance. */
  public JsonNode runWorkflow(String workflow, String parameters) {
    return send("POST", "/api/v1/workflows/" + enc(workflow) + "/run" + groupQuery(),
        Map.of("parameters", parameters == null ? "" : parameters));
  }

  /** A workflow instance with its nodes. */
  public JsonNode workflowInstance(long id) {
    return get("/api/v1/workflow-instances/" + id);
  }

  private String groupQuery() {
    return group == null || group.isBlank() ? "" : "?group=" + enc(group);
  }

  private JsonNode get(String path) {
    return call(base -> HttpRequest.newBuilder(URI.create(base + path)).GET(), path);
  }

  private JsonNode send(String method, String path, Object body) {
    byte[] bytes;
    try {
      bytes = Json.MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new ApiException(0, "cannot encode request: " + e.getMessage());
    }
    return call(
        base -> HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes)),
        path);
  }

  /**
   * Sends to the node that answered last, moving on to the next node while one cannot be connected to. A
   * follower's 503 means nothing reached the leader (it is being replaced): the same request is sent again
   * until a new leader answers or {@link #ELECTION_WAIT} has passed.
   */
  private JsonNode call(Function<String, HttpRequest.Builder> request, String path) {
    long deadline = System.nanoTime() + ELECTION_WAIT.toNanos();
    while (true) {
      try {
        return callAnyNode(request, path);
      } catch (ApiException e) {
        if (e.status() != 503 || System.nanoTime() > deadline) {
          throw e;
        }
        pause(ELECTION_RETRY);
      }
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(0, "interrupted");
    }
  }

  private JsonNode callAnyNode(Function<String, HttpRequest.Builder> request, String path) {
    int first = current.get();
    for (int i = 0; i < bases.size(); i++) {
      int at = (first + i) % bases.size();
      try {
        JsonNode answer = callOnce(request.apply(bases.get(at)), bases.get(at), path);
        current.set(at);
        return answer;
      } catch (Unreachable e) {
        if (i == bases.size() - 1) {
          throw new ApiException(0, bases.size() == 1
              ? "cannot reach the scheduler server at " + bases.get(0) + ": is the daemon running?"
              : "cannot reach any scheduler server node (" + String.join(", ", bases) + ")");
        }
      }
    }
    throw new IllegalStateException("unreachable");
  }

  /** No connection could be made: nothing was sent, so another node may be asked. */
  private static final class Unreachable extends Exception {
    Unreachable() {
      super(null, null, false, false);
    }
  }

  private JsonNode callOnce(HttpRequest.Builder request, String base, String path) throws Unreachable {
    if (!token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    // who the server's audit trail names for changes made through this client
    request.header("X-Operator", System.getProperty("user.name", "cli"));
    HttpResponse<String> response;
    try {
      response = http().send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new Unreachable();
    } catch (IOException e) {
      throw new ApiException(0, "request to " + base + path + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(0, "interrupted");
    }
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new ApiException(response.statusCode(), "server answered HTTP " + response.statusCode() + " without JSON");
    }
    if (response.statusCode() >= 400) {
      throw new ApiException(response.statusCode(), body.path("error").asText("HTTP " + response.statusCode()));
    }
    return body;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Splits a {@code domain} value ({@code host:port[,host:port…]}) into its addresses. */
  public static List<String> addresses(String domain) {
    return java.util.Arrays.stream(domain.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * Made at the first request, like the HTTP client: Jackson's tree model loads some 350 classes, and a worker daemon
   * creates this client at start to ship its jobs' log lines.
   */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }
}
