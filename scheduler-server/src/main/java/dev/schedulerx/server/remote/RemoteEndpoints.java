package dev.schedulerx.server.remote;

import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.server.dispatch.InstanceEnds;
import dev.schedulerx.server.dispatch.InstanceLifecycle;
import dev.schedulerx.server.dispatch.MasterResume;
import dev.schedulerx.server.group.GroupGuard;
import dev.schedulerx.server.registry.WorkerRegistry;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/** Starts the server's wire endpoints at the paths workers address. */
public final class RemoteEndpoints {
  private RemoteEndpoints() {}

  public static void start(
      ActorSystem system, WorkerRegistry registry, GroupGuard groups, InstanceLifecycle lifecycle, InstanceEnds ends) {
    start(system, registry, groups, lifecycle, ends, Optional::empty);
  }

  public static void start(
      ActorSystem system, WorkerRegistry registry, GroupGuard groups, InstanceLifecycle lifecycle, InstanceEnds ends,
      Supplier<Optional<String>> leaderRemoting) {
    start(system, registry, groups, lifecycle, ends, leaderRemoting, null);
  }

  /**
   * @param resume master resume (the master log endpoint); null: none
   * @param leaderRemoting the leader's remoting {@code host:port} while another node leads: heartbeats and
   *     status reports that reach this node are passed on to it (it knows the workers and retries failed instances)
   */
  public static void start(
      ActorSystem system, WorkerRegistry registry, GroupGuard groups, InstanceLifecycle lifecycle, InstanceEnds ends,
      Supplier<Optional<String>> leaderRemoting, MasterResume resume) {
    if (resume != null) {
      system.actorOf(MasterLogEndpoint.props(resume, leaderRemoting), ActorPaths.SERVER_MASTER_LOG);
    }
    system.actorOf(WorkerConnectionWatch.props(registry, ends), "worker-connection-watch");
    system.actorOf(HeartbeatEndpoint.props(registry, groups, ends, leaderRemoting), ActorPaths.SERVER_HEARTBEAT);
    system.actorOf(InstanceStatusEndpoint.props(lifecycle, leaderRemoting, ActorPaths.SERVER_INSTANCE_STATUS),
        ActorPaths.SERVER_INSTANCE_STATUS);
    system.actorOf(InstanceStatusEndpoint.props(lifecycle, leaderRemoting, ActorPaths.SERVER_MAP_MASTER),
        ActorPaths.SERVER_MAP_MASTER);
  }
}
