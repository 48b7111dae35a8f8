package dev.schedulerx.worker.metrics;

import dev.schedulerx.server.metrics.PrometheusRegistry;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The daemon's small HTTP listener: {@code GET /healthz} and {@code GET /metrics}, nothing else. Open (no
 * token), bound to {@code schedulerx.worker.http.host}, 127.0.0.1 by default.
 *
 * <p>Healthy means registered with the server and a heartbeat acknowledged within {@code staleAfter}
 * (three heartbeat intervals); otherwise 503 with the reason.
 */
public final class DaemonHttp implements AutoCloseable {
  private final DaemonMetrics metrics;
  private final Future<String> registered;
  private final Supplier<String> workerId;
  private final Duration staleAfter;
  private Javalin app;

  public DaemonHttp(DaemonMetrics metrics, Future<String> registered, Supplier<String> workerId, Duration staleAfter) {
    this.metrics = metrics;
    this.registered = registered;
    this.workerId = workerId;
    this.staleAfter = staleAfter;
  }

  /** Binds and serves; returns the bound port ({@code port} 0 = any free one). */
  public int start(String host, int port) {
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("sx-worker-http");
    threads.setDaemon(true);
    app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.jetty.threadPool = threads;
    });
    app.get("/healthz", ctx -> {
      Map<String, Object> body = health();
      ctx.status("UP".equals(body.get("status")) ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(body);
    });
    app.get("/metrics", ctx -> ctx.contentType(PrometheusRegistry.CONTENT_TYPE).result(metrics.scrape()));
    app.start(host, port);
    return app.port();
  }

  private Map<String, Object> health() {
    Map<String, Object> body = new LinkedHashMap<>();
    OptionalDouble age = metrics.link().heartbeatAgeSeconds();
    String problem = metrics.link().problem();
    String reason = null;
    if (!registered.isDone()) {
      reason = "not registered with the server yet" + (problem.isEmpty() ? "" : ": " + problem);
    } else if (age.isEmpty() || age.getAsDouble() * 1000 > staleAfter.toMillis()) {
      reason = String.format(java.util.Locale.ROOT, "no heartbeat acknowledged for %.1f s (limit %.1f s)",
          age.orElse(Double.POSITIVE_INFINITY), staleAfter.toMillis() / 1000.0) + (problem.isEmpty() ? "" : ": " + problem);
    }
    body.put("status", reason == null ? "UP" : "DOWN");
    body.put("worker", workerId.get());
    body.put("registered", registered.isDone());
    if (age.isPresent()) {
      body.put("heartbeatAgeSeconds", Math.round(age.getAsDouble() * 10) / 10.0);
    }
    if (reason != null) {
      body.put("reason", reason);
    }
    return body;
  }

  @Override
  public void close() {
    if (app != null) {
      app.stop();
    }
  }
}
