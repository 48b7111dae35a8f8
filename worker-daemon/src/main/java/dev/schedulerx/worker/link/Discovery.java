package dev.schedulerx.worker.link;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.worker.client.ServerApiClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * SchedulerX discovery over HTTP: the console domain (cloud style, from an endpoint), the group's numeric
 * id, and the current leader's remoting address. Plain {@link HttpURLConnection} calls on the given executor:
 * {@code java.net.http.HttpClient} builds the JDK's default TLS context (trust store, providers) and a selector
 * thread even for http://, a tenth of the daemon's start-up for three small GETs.
 */
final class Discovery {
  /**
   * What discovery found: the leader's {@code host:port}, the group's numeric id, the node that answered, and whether
   * it takes many status reports in one message (our server: see batch.proto).
   */
  record Found(String leader, long appGroupId, String via, boolean batchStatusReports) {}

  /**
   * The response header in which our server names what it takes beyond the SchedulerX protocol; official servers do
   * not send it, and official workers do not read it.
   */
  static final String CAPABILITIES_HEADER = "Schedulerx-Capabilities";
  static final String BATCH_STATUS_REPORTS = "batchStatusReports";

  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final Executor executor;
  /** Null for http://. */
  private final SSLSocketFactory tlsSockets;
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
   * @param executor runs the blocking requests
   */
  Discovery(String endpoint, String domain, String namespace, String groupId, String appKey, TlsSettings tls, Executor executor) {
    this.endpoint = endpoint;
    this.configuredDomains = ServerApiClient.addresses(domain);
    this.namespace = namespace;
    this.groupId = groupId;
    this.appKey = appKey;
    this.scheme = tls.httpScheme();
    this.executor = executor;
    this.tlsSockets = tls.http() ? tls.clientContext().getSocketFactory() : null;
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
    return fetchData(d, "/worker/v1/appgroup/getId").thenCombine(fetchData(d, "/worker/v1/appgroup/getLeaderAddr"),
        (id, leader) -> new Found(leader.data(), Long.parseLong(id.data()), d,
            leader.capabilities().contains(BATCH_STATUS_REPORTS)));
  }

  private CompletableFuture<String> domain() {
    if (domain != null) {
      return CompletableFuture.completedFuture(domain);
    }
    return fetch("http://" + endpoint + ":8080/schedulerx2/consolelist")
        .thenApply(r -> {
          String body = r.body().trim();
          if (r.status() != 200 || body.isEmpty()) {
            throw new IllegalStateException("address server " + endpoint + " returned no console domain (HTTP " + r.status() + ")");
          }
          domain = body;
          return body;
        });
  }

  /** A discovery answer's {@code data} as text (empty when absent), with the capabilities header (empty when not sent). */
  private record Data(String data, String capabilities) {}

  private CompletableFuture<Data> fetchData(String domain, String path) {
    String query = "groupId=" + enc(groupId) + "&appKey=" + enc(appKey) + "&namespace=" + enc(namespace) + "&enableScale=true";
    return fetch(scheme + "://" + domain + path + "?" + query)
        .thenApply(r -> {
          Answer answer;
          try {
            answer = Answer.parse(r.body());
          } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(path + " answered HTTP " + r.status() + " with no JSON");
          }
          if (!answer.success()) {
            throw new IllegalStateException(path + " refused: " + (answer.message() == null ? "HTTP " + r.status() : answer.message()));
          }
          return new Data(answer.data(), r.capabilities());
        });
  }

  /**
   * The parts of a discovery answer ({@code {"success":…,"message":…,"data":…}}) the worker reads, with Jackson's
   * streaming parser: its tree model (ObjectMapper) loaded some 350 classes at every start for two small answers.
   */
  private record Answer(boolean success, String message, String data) {
    private static final JsonFactory JSON = new JsonFactory();

    static Answer parse(String body) throws IOException {
      boolean success = false;
      String message = null;
      String data = "";
      try (JsonParser parser = JSON.createParser(body)) {
        if (parser.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object");
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          parser.nextToken();
          switch (field) {
            case "success" -> success = parser.getValueAsBoolean(false);
            case "message" -> message = parser.getValueAsString(null);
            case "data" -> data = parser.getValueAsString("");
            default -> { }
          }
          parser.skipChildren();
        }
      }
      return new Answer(success, message, data);
    }
  }

  private record Response(int status, String body, String capabilities) {}

  /** One GET on the executor; the body of an error status too (the server explains refusals in JSON). */
  private CompletableFuture<Response> fetch(String url) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        // As java.net.http did by default: no proxy from system properties, redirects not followed.
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection(Proxy.NO_PROXY);
        c.setInstanceFollowRedirects(false);
        if (tlsSockets != null && c instanceof HttpsURLConnection https) {
          https.setSSLSocketFactory(tlsSockets);
        }
        c.setConnectTimeout((int) TIMEOUT.toMillis());
        c.setReadTimeout((int) TIMEOUT.toMillis());
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String body = "";
        if (in != null) {
          try (in) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8); // read to the end: the connection is kept alive
          }
        }
        String capabilities = c.getHeaderField(CAPABILITIES_HEADER);
        return new Response(status, body, capabilities == null ? "" : capabilities);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, executor);
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
