package dev.schedulerx.worker.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

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

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final String base;
  private final String group;
  private final String token;

  /**
   * @param hostPort the server's HTTP host:port
   * @param group the app group jobs are looked up in
   * @param token the server's API token, sent as a bearer token; empty when the server requires none
   */
  public ServerApiClient(String hostPort, String group, String token) {
    this.base = "http://" + hostPort;
    this.group = group;
    this.token = token == null ? "" : token;
  }

  public JsonNode jobs() {
    return get("/api/v1/jobs");
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

  public JsonNode workers() {
    return get("/api/v1/workers");
  }

  private String groupQuery() {
    return group == null || group.isBlank() ? "" : "?group=" + enc(group);
  }

  private JsonNode get(String path) {
    return call(HttpRequest.newBuilder(URI.create(base + path)).GET(), path);
  }

  private JsonNode send(String method, String path, Object body) {
    try {
      return call(
          HttpRequest.newBuilder(URI.create(base + path))
              .header("Content-Type", "application/json")
              .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))),
          path);
    } catch (IOException e) {
      throw new ApiException(0, "cannot encode request: " + e.getMessage());
    }
  }

  private JsonNode call(HttpRequest.Builder request, String path) {
    if (!token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new ApiException(0, "cannot reach the scheduler server at " + base + ": is the daemon running?");
    } catch (IOException e) {
      throw new ApiException(0, "request to " + base + path + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(0, "interrupted");
    }
    JsonNode body;
    try {
      body = json.readTree(response.body());
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
}
