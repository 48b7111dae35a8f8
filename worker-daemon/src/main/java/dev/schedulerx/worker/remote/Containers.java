package dev.schedulerx.worker.remote;

import static java.util.Objects.requireNonNull;

import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.WorkerAddress;
import dev.schedulerx.worker.container.ContainerPool;
import dev.schedulerx.worker.container.ContainerRunner;
import dev.schedulerx.worker.container.ContainerSettings;
import dev.schedulerx.worker.plugin.PluginRegistry;
import dev.schedulerx.worker.plugin.ProcessorInvoker;
import dev.schedulerx.worker.remote.WorkerGuardian;
import dev.schedulerx.worker.task.TaskBodyCodec;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The container side of distributed jobs, assembled: the endpoints masters address ({@code
 * /user/container_routing}, {@code /user/heartbeat_routing}), the {@link ContainerRunner} behind them and
 * the {@link TaskReporter} that batches task statuses back to the masters.
 *
 * <p>Call {@link #start(ActorContext)} once from the setup of the actor system's user guardian, so the
 * endpoints land at the paths the masters use. The worker id reported to masters is the actor system's
 * name, the worker address its remoting {@code host:port}.
 */
public final class Containers {
  /** Names of the children spawned next to the endpoints. */
  public static final String RUNNER_NAME = "containers";
  public static final String REPORTER_NAME = "container-reports";

  private final PluginRegistry plugins;
  private final ProcessorInvoker invoker;
  private final ContainerPool pool;
  private final TaskBodyCodec codec;
  private final ContainerSettings settings;

  public Containers(PluginRegistry plugins, ProcessorInvoker invoker, ContainerPool pool, TaskBodyCodec codec, ContainerSettings settings) {
    this.plugins = requireNonNull(plugins, "plugins");
    this.invoker = requireNonNull(invoker, "invoker");
    this.pool = requireNonNull(pool, "pool");
    this.codec = requireNonNull(codec, "codec");
    this.settings = requireNonNull(settings, "settings");
  }

  /**
   * Spawns the runner, the reporter and both endpoints as children of {@code guardian}, which must be the
   * user guardian ({@code /user}).
   *
   * @return the runner, for tests and diagnostics
   */
  public ActorRef<ContainerRunner.Command> start(ActorContext<?> guardian) {
    return start(guardian, null);
  }

  /**
   * Like {@link #start(ActorContext)} on a daemon whose {@link WorkerGuardian} masters instances: statuses
   * and map() calls for those masters go to {@code masters} in memory instead of over the wire.
   */
  public ActorRef<ContainerRunner.Command> start(ActorContext<?> guardian, ActorRef<WorkerGuardian.Command> masters) {
    org.apache.pekko.actor.ActorSystem classic = Adapter.toClassic(guardian.getSystem());
    Address address = classic.provider().getDefaultAddress();
    String workerId = guardian.getSystem().name();
    String workerAddr = address.getHost().orElseThrow() + ":" + address.getPort().orElseThrow();
    LocalMaster local = masters == null ? null
        : new LocalMaster(masterPath(classic), workerAddr, masters, guardian.getSystem().ignoreRef());
    // Both keep the state of many tasks: a bug in one message's handling must not lose the rest.
    ActorRef<TaskReporter.Command> reporter =
        guardian.spawn(
            Behaviors.supervise(TaskReporter.create(settings.reports(), settings.clock(), workerId, workerAddr))
                .onFailure(SupervisorStrategy.resume()),
            REPORTER_NAME);
    WireMasterChannel channel = new WireMasterChannel(reporter, new MapForwarder(classic, codec, settings.map()), local);
    ActorRef<ContainerRunner.Command> runner =
        guardian.spawn(
            Behaviors.supervise(ContainerRunner.create(plugins, invoker, pool, codec, channel, workerAddr))
                .onFailure(SupervisorStrategy.resume()),
            RUNNER_NAME);
    Adapter.actorOf(guardian, ContainerEndpoint.props(runner), ActorPaths.WORKER_CONTAINER);
    Adapter.actorOf(guardian, WorkerAliveEndpoint.props(), ActorPaths.WORKER_HEARTBEAT);
    return runner;
  }

  /** This daemon's {@code map_master_router} path, as its masters put it in start requests. */
  public static String masterPath(org.apache.pekko.actor.ActorSystem classic) {
    Address address = classic.provider().getDefaultAddress();
    String self = classic.name() + "@" + address.getHost().orElseThrow() + ":" + address.getPort().orElseThrow();
    return ActorPaths.onWorker(ActorPaths.schemeOf(classic), WorkerAddress.parse(self), ActorPaths.WORKER_MAP_MASTER);
  }
}
