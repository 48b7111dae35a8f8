package dev.schedulerx.server.metrics;

import dev.schedulerx.common.metrics.PrometheusRegistry;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;

/**
 * {@code GET /healthz} and {@code GET /metrics} on the server's HTTP port. Both are open (no API token):
 * HTTP binds to 127.0.0.1 unless configured otherwise, probes and Prometheus scrapers rarely send tokens,
 * and neither answer reveals more than job and worker names. Put them behind the same network rules as the
 * rest of the HTTP port when it is exposed.
 */
public final class MetricsRoutes {
  private MetricsRoutes() {}

  public static void register(Javalin app, ServerHealth health, ServerMetrics metrics) {
    app.get("/healthz", ctx -> {
      ServerHealth.Status status = health.check();
      ctx.status(status.up() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(status.body());
    });
    app.get("/metrics", ctx -> ctx.contentType(PrometheusRegistry.CONTENT_TYPE).result(metrics.scrape()));
  }
}
