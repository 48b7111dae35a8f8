package dev.schedulerx.server.http;

import dev.schedulerx.server.group.GroupGuard;
import dev.schedulerx.server.registry.WorkerRegistry;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP calls the official Java worker (schedulerx2-worker) makes besides discovery, and a SchedulerX-style
 * error envelope for every worker-side path this server does not implement, so a worker that asks gets a
 * {@code success=false} answer it can log instead of an HTML page.
 */
final class WorkerSideRoutes {
  private static final Logger log = LoggerFactory.getLogger(WorkerSideRoutes.class);
  /** Path prefixes SchedulerX workers call; an unknown path under them gets the error envelope. */
  private static final List<String> WORKER_PREFIXES = List.of("/worker/", "/app/", "/schedulerx2/");

  private final GroupGuard groups;
  private final WorkerRegistry registry;

  WorkerSideRoutes(GroupGuard groups, WorkerRegistry registry) {
    this.groups = groups;
    this.registry = registry;
  }

  void register(Javalin app) {
    // A task master's 60 s timer: the live workers of its app group ({wid}@host:port, as in submit requests).
    app.get("/app/getAllUsefulWorkerList.json", this::usefulWorkers);
    // The same timer asks which of its jobs have designated workers or a route strategy: none here.
    app.get("/app/grepHasDesignateJobIds.json", ctx -> ok(ctx, Map.of("designate", List.of(), "routeStrategy", List.of())));
    app.error(404, ctx -> {
      if (WORKER_PREFIXES.stream().anyMatch(ctx.path()::startsWith)) {
        log.warn("worker call {} from {} is not implemented by this server", ctx.path(), ctx.ip());
        envelope(ctx, false, 404, ctx.path() + " is not implemented by this server", null);
      }
    });
  }

  private void usefulWorkers(Context ctx) {
    long appGroupId = ctx.queryParamAsClass("appGroupId", Long.class).getOrDefault(-1L);
    String appKey = ctx.queryParam("appKey");
    // Only workers of a group whose key the caller knows.
    List<String> workers = registry.all().stream()
        .filter(w -> groups.appGroupId(w.groupId()) == appGroupId && groups.refusal(w.groupId(), appKey) == null)
        .map(w -> w.address().toString())
        .toList();
    ok(ctx, workers);
  }

  static void ok(Context ctx, Object data) {
    envelope(ctx, true, 200, "", data);
  }

  static void envelope(Context ctx, boolean success, int code, String message, Object data) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("success", success);
    body.put("code", code);
    body.put("message", message);
    body.put("requestId", UUID.randomUUID().toString());
    body.put("data", data);
    ctx.json(body);
  }
}
