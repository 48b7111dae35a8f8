package dev.schedulerx.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.server.audit.AuditTrail;
import dev.schedulerx.server.config.ServerSettings;
import dev.schedulerx.server.dispatch.Backfill;
import dev.schedulerx.server.dispatch.InstanceEnds;
import dev.schedulerx.server.dispatch.InstanceLifecycle;
import dev.schedulerx.server.group.AppGroups;
import dev.schedulerx.server.registry.WorkerRegistry;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.JobRepository;
import dev.schedulerx.server.store.LogRepository;
import io.javalin.Javalin;
import java.time.ZoneId;

/**
 * The SchedulerX OpenAPI under {@code /openapi/v1} (OPENAPI.md), as the Java SDK (POST, form-urlencoded) and the
 * Go SDK (POST, JSON) call it: the shared plumbing ({@link OpenApiEndpoint}) and one routing table per area. Paths
 * nobody implements (route strategies, permissions) are answered with the envelope and a message naming them.
 */
final class OpenApiRoutes {
  private final OpenApiEndpoint endpoint;
  private final OpenApiJobRoutes jobRoutes;
  private final OpenApiInstanceRoutes instanceRoutes;
  private final OpenApiGroupRoutes groupRoutes;

  OpenApiRoutes(Javalin app, ServerSettings settings, AppGroups groups, JobRepository jobs, InstanceRepository instances,
      InstanceLifecycle lifecycle, InstanceEnds ends, WorkerRegistry registry, LogRepository logs, AuditTrail audit,
      Backfill backfill, ObjectMapper json) {
    OpenApiViews views = new OpenApiViews(json, ZoneId.systemDefault());
    this.endpoint = new OpenApiEndpoint(settings, groups, json, app);
    this.jobRoutes = new OpenApiJobRoutes(jobs, lifecycle, registry, audit, views, backfill);
    this.instanceRoutes = new OpenApiInstanceRoutes(jobRoutes, instances, lifecycle, ends, logs, audit, views);
    this.groupRoutes = new OpenApiGroupRoutes(groups, jobs, instances, registry, audit, views);
  }

  /** Registers every area; {@code more} adds other areas' routes (workflows) before the fallbacks. */
  void register(java.util.function.Consumer<OpenApiEndpoint> more) {
    jobRoutes.register(endpoint);
    instanceRoutes.register(endpoint);
    groupRoutes.register(endpoint);
    more.accept(endpoint);
    endpoint.registerFallbacks();
  }
}
