package dev.schedulerx.worker.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.schedulerx.common.metrics.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The daemon's small HTTP listener: {@code GET /healthz} and {@code GET /metrics}, nothing else. Open (no
 * token), bound to {@code schedulerx.worker.http.host}, 127.0.0.1 by default.
 *
 * <p>Healthy means registered with the server and a heartbeat acknowledged within {@code staleAfter}
 * (three heartbeat intervals); otherwise 503 with the reason.
 *
 * <p>The JDK's own HTTP server, one thread: two probe endpoints do not need a web framework, and Jetty with
 * Javalin was about 600 classes and a thread pool loaded at every start.
 */
public final class DaemonHttp implements AutoCloseable {
  private final DaemonMetrics metrics;
  private final Future<String> registered;
  private final Supplier<String> workerId;
  private final Duration staleAfter;
  private HttpServer server;
  private ExecutorService executor;

  public DaemonHttp(DaemonMetrics metrics, Future<String> registered, Supplier<String> workerId, Duration staleAfter) {
    this.metrics = metrics;
    this.registered = registered;
    this.workerId = workerId;
    this.staleAfter = staleAfter;
  }

  /** Binds and serves; returns the bound port ({@code port} 0 = any free one). */
  public int start(String host, int port) {
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
    executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "sx-worker-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      boolean known = path.equals("/healthz") || path.equals("/metrics");
      if (!known) {
        send(exchange, 404, "text/plain; charset=utf-8", "Not Found");
      } else if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", "Method Not Allowed");
      } else if (path.equals("/healthz")) {
        Health health = health();
        send(exchange, health.up() ? 200 : 503, "application/json", health.json());
      } else {
        send(exchange, 200, PrometheusRegistry.CONTENT_TYPE, metrics.scrape());
      }
    }
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private record Health(boolean up, String json) {}

  private Health health() {
    OptionalDouble age = metrics.link().heartbeatAgeSeconds();
    String problem = metrics.link().problem();
    String reason = null;
    if (!registered.isDone()) {
      reason = "not registered with the server yet" + (problem.isEmpty() ? "" : ": " + problem);
    } else if (age.isEmpty() || age.getAsDouble() * 1000 > staleAfter.toMillis()) {
      reason = String.format(Locale.ROOT, "no heartbeat acknowledged for %.1f s (limit %.1f s)",
          age.orElse(Double.POSITIVE_INFINITY), staleAfter.toMillis() / 1000.0) + (problem.isEmpty() ? "" : ": " + problem);
    }
    StringBuilder json = new StringBuilder("{\"status\":").append(reason == null ? "\"UP\"" : "\"DOWN\"");
    json.append(",\"worker\":");
    string(json, workerId.get());
    json.append(",\"registered\":").append(registered.isDone());
    if (age.isPresent()) {
      json.append(",\"heartbeatAgeSeconds\":").append(Math.round(age.getAsDouble() * 10) / 10.0);
    }
    if (reason != null) {
      json.append(",\"reason\":");
      string(json, reason);
    }
    return new Health(reason == null, json.append('}').toString());
  }

  /** A JSON string literal (the body is four fields; a JSON library is not worth loading for it). */
  static void string(StringBuilder out, String value) {
    if (value == null) {
      out.append("null");
      return;
    }
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
