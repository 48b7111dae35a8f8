package dev.schedulerx.server.alert;

import io.javalin.Javalin;
import io.javalin.http.NotFoundResponse;
import java.util.Locale;
import java.util.Map;

/** The alert history and channels under {@code /api/v1} (behind the API token like the rest of it). */
public final class AlertRoutes {
  private AlertRoutes() {}

  public static void register(Javalin app, AlertService alerts) {
    app.get("/api/v1/alerts", ctx -> {
      int limit = Math.min(1000, ctx.queryParamAsClass("limit", Integer.class).getOrDefault(50));
      Long job = ctx.queryParamAsClass("jobId", Long.class).allowNullable().get();
      String status = upper(ctx.queryParam("status"));
      String kind = upper(ctx.queryParam("kind"));
      ctx.json(alerts.history(limit, job, status, kind));
    });
    app.get("/api/v1/alerts/{id}", ctx -> ctx.json(alerts.alert(ctx.pathParamAsClass("id", Long.class).get())
        .orElseThrow(() -> new NotFoundResponse("no alert " + ctx.pathParam("id")))));
    app.get("/api/v1/alert-channels", ctx -> ctx.json(alerts.channels()));
    app.post("/api/v1/alert-channels/{name}/test", ctx -> ctx.json(
        Map.of("alertId", alerts.sendTest(ctx.pathParam("name")), "channel", ctx.pathParam("name"))));
  }

  private static String upper(String s) {
    return s == null || s.isBlank() ? null : s.trim().toUpperCase(Locale.ROOT);
  }
}
