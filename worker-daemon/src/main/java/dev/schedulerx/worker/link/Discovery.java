package dev.schedulerx.worker.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * SchedulerX discovery over HTTP: the console domain (cloud style, from an endpoint), the group's numeric
 * id, and the current leader's remoting address.
 */
final class Discovery {
  /** What discovery found: the leader's {@code host:port} and the group's numeric id. */
  record Found(String leader, long appGroupId) {}

  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final ObjectMapper json = new ObjectMapper();
  private final String endpoint;
  private final String configuredDomain;
  private final String namespace;
  private final String groupId;
  private final String appKey;
  private volatile String domain;

  Discovery(String endpoint, String domain, String namespace, String groupId, String appKey) {
    this.endpoint = endpoint;
    this.configuredDomain = domain;
    this.namespace = namespace;
    this.groupId = groupId;
    this.appKey = appKey;
  }

  CompletableFuture<Found> discover() {
    return domain()
        .thenCompose(d -> get(d, "/worker/v1/appgroup/getId").thenCombine(get(d, "/worker/v1/appgroup/getLeaderAddr"),
            (id, leader) -> new Found(leader.asText(), Long.parseLong(id.asText()))));
  }

  private CompletableFuture<String> domain() {
    if (!configuredDomain.isBlank()) {
      return CompletableFuture.completedFuture(configuredDomain);
    }
    if (domain != null) {
      return CompletableFuture.completedFuture(domain);
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + endpoint + ":8080/schedulerx2/consolelist")).timeout(TIMEOUT).build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> {
          String body = r.body().trim();
          if (r.statusCode() != 200 || body.isEmpty()) {
            throw new IllegalStateException("address server " + endpoint + " returned no console domain (HTTP " + r.statusCode() + ")");
          }
          domain = body;
          return body;
        });
  }

  private CompletableFuture<JsonNode> get(String domain, String path) {
    String query = "groupId=" + enc(groupId) + "&appKey=" + enc(appKey) + "&namespace=" + enc(namespace) + "&enableScale=true";
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + domain + path + "?" + query)).timeout(TIMEOUT).build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> {
          JsonNode body;
          try {
            body = json.readTree(r.body());
          } catch (Exception e) {
            throw new IllegalStateException(path + " answered HTTP " + r.statusCode() + " with no JSON");
          }
          if (!body.path("success").asBoolean(false)) {
            throw new IllegalStateException(path + " refused: " + body.path("message").asText("HTTP " + r.statusCode()));
          }
          return body.path("data");
        });
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
