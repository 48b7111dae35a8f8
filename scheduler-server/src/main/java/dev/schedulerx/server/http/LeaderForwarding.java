package dev.schedulerx.server.http;

import dev.schedulerx.common.tls.TlsSettings;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a follower node act through the leader: requests that start, kill or retry instances (and the
 * worker list, which only the leader knows) are relayed over HTTP to the lease holder, and its answer is
 * returned as is, so the caller gets the same instance id and message as from the leader itself. A
 * relayed request carries {@link #FORWARDED}, and is never relayed twice.
 */
final class LeaderForwarding {
  private static final Logger log = LoggerFactory.getLogger(LeaderForwarding.class);

  /** Set on relayed requests, to the relaying node's address. */
  static final String FORWARDED = "X-Schedulerx-Forwarded-By";

  /** Method and path (Javalin syntax) of each request that must run on the leader. */
  private static final Map<String, String> ON_LEADER =
      Map.of(
          "/api/v1/jobs/{name}/run", "POST",
          "/api/v1/instances/{id}/kill", "POST",
          "/api/v1/instances/{id}/retry", "POST",
          "/api/v1/workers", "GET",
          "/openapi/v1/job/execute", "POST",
          "/openapi/v1/instance/kill", "POST",
          "/openapi/v1/instance/retry", "POST");

  /** Headers the JDK client sets itself or refuses to set. */
  private static final Set<String> NOT_COPIED =
      Set.of("host", "accept-encoding", "connection", "content-length", "expect", "upgrade", "transfer-encoding", "keep-alive", "te");

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Supplier<Optional<String>> leaderHttp;
  private final String self;
  private final String scheme;
  private final HttpClient http;

  /**
   * @param leaderHttp the leader's HTTP {@code host:port} while another node leads; empty while this node
   *     leads or no leader is known (then the request is handled here)
   * @param self this node's HTTP {@code host:port}, named in {@link #FORWARDED}
   */
  LeaderForwarding(Supplier<Optional<String>> leaderHttp, String self, TlsSettings tls) {
    this.leaderHttp = leaderHttp;
    this.self = self;
    this.scheme = tls.httpScheme();
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
    if (tls.http()) {
      builder.sslContext(tls.clientContext());
    }
    this.http = builder.build();
  }

  /** Registers the relay; call after the authentication before-handlers so that refusals stay local. */
  void register(Javalin app) {
    ON_LEADER.forEach((path, method) -> app.before(path, ctx -> {
      if (ctx.method().name().equals(method)) {
        relayIfFollower(ctx);
      }
    }));
  }

  private void relayIfFollower(Context ctx) {
    if (ctx.header(FORWARDED) != null) {
      return; // already relayed once: handle here, whatever this node thinks of the lease
    }
    Optional<String> leader = leaderHttp.get();
    if (leader.isEmpty()) {
      return;
    }
    String target = scheme + "://" + leader.get() + ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target)).timeout(TIMEOUT)
        .method(ctx.method().name(), HttpRequest.BodyPublishers.ofByteArray(ctx.bodyAsBytes()));
    for (String name : ctx.headerMap().keySet()) {
      if (!NOT_COPIED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        request.header(name, ctx.header(name));
      }
    }
    request.header(FORWARDED, self);
    try {
      HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      log.info("{} {} relayed to the leader {}: HTTP {}", ctx.method(), ctx.path(), leader.get(), answer.statusCode());
      ctx.status(answer.statusCode());
      answer.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
      ctx.result(answer.body());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      // Nothing reached the leader: the caller may safely send the same request again.
      log.warn("{} {} could not be relayed to the leader {}: {}", ctx.method(), ctx.path(), leader.get(), e.toString());
      refuse(ctx, HttpStatus.SERVICE_UNAVAILABLE, "this node is a follower and the leader " + leader.get()
          + " accepts no connection; nothing was done, try again once a new leader is elected");
    } catch (IOException e) {
      // Sent, but no answer: the leader may have acted on it, so a blind retry could, e.g., trigger twice.
      log.warn("{} {} relayed to the leader {} got no answer: {}", ctx.method(), ctx.path(), leader.get(), e.toString());
      refuse(ctx, HttpStatus.GATEWAY_TIMEOUT, "this node is a follower and the leader " + leader.get()
          + " did not answer; the request may or may not have taken effect");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("error", "interrupted"));
    }
    ctx.skipRemainingHandlers();
  }

  private static void refuse(Context ctx, HttpStatus status, String why) {
    ctx.status(status).json(ctx.path().startsWith("/openapi/")
        ? Map.of("code", status.getCode(), "success", false, "message", why, "requestId", java.util.UUID.randomUUID().toString())
        : Map.of("error", why));
  }
}
