package dev.schedulerx.server.remote;

import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.server.dispatch.InstanceLifecycle;
import dev.schedulerx.server.registry.WorkerRegistry;
import org.apache.pekko.actor.ActorSystem;

/** Starts the server's wire endpoints at the paths workers address. */
public final class RemoteEndpoints {
  private RemoteEndpoints() {}

  public static void start(ActorSystem system, WorkerRegistry registry, GroupGuard groups, InstanceLifecycle lifecycle) {
    system.actorOf(HeartbeatEndpoint.props(registry, groups, lifecycle), ActorPaths.SERVER_HEARTBEAT);
    system.actorOf(InstanceStatusEndpoint.props(lifecycle), ActorPaths.SERVER_INSTANCE_STATUS);
    system.actorOf(InstanceStatusEndpoint.props(lifecycle), ActorPaths.SERVER_MAP_MASTER);
  }
}
