package dev.schedulerx.worker.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.worker.client.ServerApiClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SchedulerX discovery over HTTP: the console domain (cloud style, from an endpoint), the group's numeric
 * id, and the current leader's remoting address.
 */
final class Discovery {
  /** What discovery found: the leader's {@code host:port}, the group's numeric id, and the node that answered. */
  record Found(String leader, long appGroupId, String via) {}

  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final String scheme;
  private final String endpoint;
  private final List<String> configuredDomains;
  private final String namespace;
  private final String groupId;
  private final String appKey;
  private volatile String domain;
  /** Index into the configured domains of the node that answered last; tried first next time. */
  private final AtomicInteger current = new AtomicInteger();

  /**
   * @param domain one server node's HTTP {@code host:port}, or several separated by commas (tried in turn)
   */
  Discovery(String endpoint, String domain, String namespace, String groupId, String appKey, TlsSettings tls) {
    this.endpoint = endpoint;
    this.configuredDomains = ServerApiClient.addresses(domain);
    this.namespace = namespace;
    this.groupId = groupId;
    this.appKey = appKey;
    this.scheme = tls.httpScheme();
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
    if (tls.http()) {
      builder.sslContext(tls.clientContext());
    }
    this.http = builder.build();
  }

  /**
   * Asks the node that answered last, then the others in their configured order, for the leader; fails
   * with the last node's problem when none answers.
   */
  CompletableFuture<Found> discover() {
    if (configuredDomains.isEmpty()) {
      return domain().thenCompose(this::discoverVia);
    }
    return tryFrom(current.get(), configuredDomains.size(), null);
  }

  private CompletableFuture<Found> tryFrom(int index, int left, Throwable lastFailure) {
    if (left == 0) {
      return CompletableFuture.failedFuture(lastFailure);
    }
    int at = index % configuredDomains.size();
    String node = configuredDomains.get(at);
    return discoverVia(node)
        .thenApply(found -> {
          current.set(at);
          return found;
        })
        .exceptionallyCompose(failure -> tryFrom(at + 1, left - 1,
            configuredDomains.size() == 1 ? failure : new IllegalStateException(node + ": " + rootMessage(failure))));
  }

  private CompletableFuture<Found> discoverVia(String d) {
    return get(d, "/worker/v1/appgroup/getId").thenCombine(get(d, "/worker/v1/appgroup/getLeaderAddr"),
        (id, leader) -> new Found(leader.asText(), Long.parseLong(id.asText()), d));
  }

  private CompletableFuture<String> domain() {
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
    HttpRequest request = HttpRequest.newBuilder(URI.create(scheme + "://" + domain + path + "?" + query)).timeout(TIMEOUT).build();
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

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
