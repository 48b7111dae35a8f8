package dev.schedulerx.worker.remote;

import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.worker.container.ContainerRunner;
import dev.schedulerx.worker.container.ContainerSettings;
import dev.schedulerx.worker.instance.InstanceRuntime;
import dev.schedulerx.worker.instance.JobInstanceSupervisor;
import dev.schedulerx.worker.link.ServerLink;
import dev.schedulerx.worker.metrics.DaemonMetrics;
import dev.schedulerx.worker.plugin.PluginRegistry;
import dev.schedulerx.worker.remote.Containers;
import dev.schedulerx.worker.remote.JobInstanceEndpoint;
import dev.schedulerx.worker.remote.LocalPeers;
import dev.schedulerx.worker.remote.MapMasterEndpoint;
import dev.schedulerx.worker.task.InstanceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Root of a worker's actor tree: the server link, the wire endpoints (at the paths SchedulerX peers
 * address) and one supervisor per running instance this worker is master of.
 */
public final class WorkerGuardian extends AbstractBehavior<WorkerGuardian.Command> {

  /** What the guardian accepts. */
  public sealed interface Command permits Submit, SubmitAll, Kill, GoOffline, ToInstance, Drain, GraceOver {}

  /** Start an instance submitted by the server. */
  public record Submit(InstanceSpec spec, ActorRef<Reply> replyTo) implements Command {}

  /** Start several instances submitted together (our server's batch); one reply per spec, in their order. */
  public record SubmitAll(List<InstanceSpec> specs, ActorRef<List<Reply>> replyTo) implements Command {
    public SubmitAll {
      specs = List.copyOf(specs);
    }
  }

  /** Kill a running instance. */
  public record Kill(long instanceId, String reason, ActorRef<Reply> replyTo) implements Command {}

  /** Tell the server this worker goes offline, then answer. */
  public record GoOffline(ActorRef<Done> replyTo) implements Command {}

  /**
   * Task reports and map requests for the instance this worker masters. When it is not (or no longer)
   * here, reports are acknowledged (nothing left to count them) and map requests refused.
   */
  public record ToInstance(long instanceId, JobInstanceSupervisor.Command command) implements Command {}

  /**
   * Stop taking instances and answer once every running instance finished, or when {@code grace} is over
   * (then what still runs is stopped by the shutdown, and the server fails it over as for a lost worker).
   */
  public record Drain(Duration grace, ActorRef<Done> replyTo) implements Command {}

  private enum GraceOver implements Command { INSTANCE }

  /** Answer to Submit and Kill: accepted, or why not. */
  public record Reply(boolean accepted, String message) {}

  private static final String INSTANCE_PREFIX = "instance-";

  private final ActorRef<ServerLink.Command> link;
  private final InstanceRuntime runtime;
  private final DaemonMetrics metrics;
  private final Map<Long, ActorRef<JobInstanceSupervisor.Command>> supervisors = new HashMap<>();
  private final Map<Long, InstanceSpec> specs = new HashMap<>();
  /** Keeps the plugin version an instance started with until it ends (hot reload waits for it). */
  private final Map<Long, PluginRegistry.Lease> pluginLeases = new HashMap<>();
  private final TimerScheduler<Command> timers;
  private final List<ActorRef<Done>> drained = new ArrayList<>();
  private boolean draining;

  /** Builds what instance supervisors share, once the actor system and the link exist. */
  @FunctionalInterface
  public interface RuntimeFactory {
    InstanceRuntime create(org.apache.pekko.actor.typed.ActorSystem<?> system, ActorRef<ServerLink.Command> link);
  }

  public static Behavior<Command> create(
      ServerLink.Settings linkSettings, ServerLink.FirstDiscovery firstDiscovery, CompletableFuture<String> registered,
      RuntimeFactory runtimeFor, ContainerSettings containers, DaemonMetrics metrics) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new WorkerGuardian(ctx, timers, linkSettings, firstDiscovery, registered, runtimeFor, containers, metrics)));
  }

  private WorkerGuardian(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      ServerLink.Settings linkSettings,
      ServerLink.FirstDiscovery firstDiscovery,
      CompletableFuture<String> registered,
      RuntimeFactory runtimeFor,
      ContainerSettings containers,
      DaemonMetrics metrics) {
    super(ctx);
    this.timers = timers;
    this.metrics = metrics;
    // The link only does I/O and keeps unacknowledged reports; restart it if it ever crashes.
    this.link =
        ctx.spawn(
            Behaviors.supervise(ServerLink.create(linkSettings, registered, metrics.link(), firstDiscovery))
                .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
            "server-link");
    InstanceRuntime wire = runtimeFor.create(ctx.getSystem(), link);
    Adapter.actorOf(ctx, JobInstanceEndpoint.props(ctx.getSelf()), ActorPaths.WORKER_JOB_INSTANCE);
    Adapter.actorOf(ctx, MapMasterEndpoint.props(ctx.getSelf()), ActorPaths.WORKER_MAP_MASTER);
    ActorRef<ContainerRunner.Command> runner =
        new Containers(wire.plugins(), wire.invoker(), wire.pool(), wire.codec(), containers).start(ctx, ctx.getSelf());
    // A master's tasks for this worker go to its containers in memory; statuses come back the same way.
    this.runtime = wire.withPeers(new LocalPeers(wire.self(), Containers.masterPath(Adapter.toClassic(ctx.getSystem())), runner, wire.peers()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(SubmitAll.class, this::onSubmitAll)
        .onMessage(Kill.class, this::onKill)
        .onMessage(GoOffline.class, g -> { link.tell(new ServerLink.GoOffline(g.replyTo())); return this; })
        .onMessage(ToInstance.class, this::onToInstance)
        .onMessage(Drain.class, this::onDrain)
        .onMessageEquals(GraceOver.INSTANCE, this::onGraceOver)
        .onSignal(ChildFailed.class, this::onSupervisorCrashed)
        .onSignal(Terminated.class, this::onSupervisorStopped)
        .build();
  }

  private Behavior<Command> onSubmit(Submit submit) {
    submit.replyTo().tell(start(submit.spec()));
    return this;
  }

  private Behavior<Command> onSubmitAll(SubmitAll submit) {
    List<Reply> replies = new ArrayList<>(submit.specs().size());
    for (InstanceSpec spec : submit.specs()) {
      Reply reply;
      try {
        reply = start(spec);
      } catch (RuntimeException e) {
        // One bad instance (e.g. its plugin cannot be leased) must not fail the batch's others.
        getContext().getLog().warn("{}: not started: {}", spec.label(), e.toString());
        reply = new Reply(false, "not started: " + e.getMessage());
      }
      replies.add(reply);
    }
    submit.replyTo().tell(replies);
    return this;
  }

  /** Starts a supervisor for the instance, or says why not. */
  private Reply start(InstanceSpec spec) {
    if (draining) {
      return new Reply(false, "worker is shutting down");
    }
    if (supervisors.containsKey(spec.instanceId())) {
      return new Reply(false, "job instance " + spec.instanceId() + " is still running!");
    }
    pluginLeases.put(spec.instanceId(), runtime.plugins().acquire(spec.processor()));
    // A failing instance is stopped, never restarted: the server decides about retries.
    ActorRef<JobInstanceSupervisor.Command> supervisor =
        getContext().spawn(
            Behaviors.supervise(JobInstanceSupervisor.create(spec, runtime)).onFailure(SupervisorStrategy.stop()),
            INSTANCE_PREFIX + spec.instanceId());
    getContext().watch(supervisor);
    supervisors.put(spec.instanceId(), supervisor);
    metrics.supervised(1);
    specs.put(spec.instanceId(), spec);
    return new Reply(true, "");
  }

  /** A supervisor that threw never reported its instance: report it FAILED, so the server can retry it. */
  private Behavior<Command> onSupervisorCrashed(ChildFailed failed) {
    InstanceSpec spec = specs.get(instanceIdOf(failed.getRef()));
    if (spec != null) {
      runtime.status().report(spec, InstanceStatus.FAILED, "internal error in the instance master: " + failed.getCause(), null);
    }
    return onSupervisorStopped(failed);
  }

  private Behavior<Command> onSupervisorStopped(Terminated stopped) {
    long id = instanceIdOf(stopped.getRef());
    if (supervisors.remove(id) != null) {
      metrics.supervised(-1);
    }
    specs.remove(id);
    PluginRegistry.Lease lease = pluginLeases.remove(id);
    if (lease != null) {
      lease.close();
    }
    if (draining && supervisors.isEmpty()) {
      drainedNow();
    }
    return this;
  }

  private Behavior<Command> onDrain(Drain drain) {
    draining = true;
    drained.add(drain.replyTo());
    if (supervisors.isEmpty()) {
      drainedNow();
    } else {
      getContext().getLog().info("shutting down: waiting up to {} for {} running instance(s): {}",
          drain.grace(), supervisors.size(), supervisors.keySet());
      timers.startSingleTimer(GraceOver.INSTANCE, drain.grace());
    }
    return this;
  }

  private Behavior<Command> onGraceOver() {
    if (!drained.isEmpty()) {
      getContext().getLog().warn("shutting down: grace period over, {} instance(s) still running are stopped: {}",
          supervisors.size(), supervisors.keySet());
      drainedNow();
    }
    return this;
  }

  private void drainedNow() {
    timers.cancel(GraceOver.INSTANCE);
    drained.forEach(r -> r.tell(Done.getInstance()));
    drained.clear();
  }

  private static long instanceIdOf(ActorRef<Void> supervisor) {
    return Long.parseLong(supervisor.path().name().substring(INSTANCE_PREFIX.length()));
  }

  private Behavior<Command> onToInstance(ToInstance routed) {
    ActorRef<JobInstanceSupervisor.Command> supervisor = supervisors.get(routed.instanceId());
    if (supervisor != null) {
      supervisor.tell(routed.command());
    } else if (routed.command() instanceof JobInstanceSupervisor.TaskReports reports) {
      reports.replyTo().tell(Done.getInstance());
    } else if (routed.command() instanceof JobInstanceSupervisor.MapTasks map) {
      map.replyTo().tell(new JobInstanceSupervisor.MapReply(false, false, "job instance " + routed.instanceId() + " has no master on this worker"));
    }
    return this;
  }

  private Behavior<Command> onKill(Kill kill) {
    ActorRef<JobInstanceSupervisor.Command> supervisor = supervisors.get(kill.instanceId());
    if (supervisor == null) {
      kill.replyTo().tell(new Reply(true, "job instance " + kill.instanceId() + " is not running here"));
      return this;
    }
    supervisor.tell(new JobInstanceSupervisor.Kill(kill.reason()));
    kill.replyTo().tell(new Reply(true, "job instance " + kill.instanceId() + " killed"));
    return this;
  }
}
