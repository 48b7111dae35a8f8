package dev.schedulerx.worker.instance;

import dev.schedulerx.api.BroadcastProcessor;
import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.api.MapJobProcessor;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.job.ExecuteMode;
import dev.schedulerx.worker.container.ContainerPool;
import dev.schedulerx.worker.plugin.LoadedProcessor;
import dev.schedulerx.worker.task.InstanceSpec;
import dev.schedulerx.worker.task.TaskBodyCodec;
import dev.schedulerx.worker.task.TaskContext;
import dev.schedulerx.worker.task.TaskMdc;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns one job instance on the worker the server picked as its master. Resolves the processor, then
 * becomes the behaviour of the execute mode: a standalone run (here), {@link BroadcastMaster} or
 * {@link MapMaster}. One actor per instance, so a failing instance never touches another.
 */
public final class JobInstanceSupervisor extends AbstractBehavior<JobInstanceSupervisor.Command> {
  /**
   * A plain logger, not the actor context's: the context's puts Pekko's source keys into the MDC around every
   * message that logs, a cost paid twice per instance (its start and its end) when a fan-out starts thousands.
   */
  private static final Logger log = LoggerFactory.getLogger(JobInstanceSupervisor.class);

  /** What a supervisor accepts, whatever its mode. */
  public sealed interface Command permits Kill, TaskReports, MapTasks, Internal {}

  /** Stop the instance: every task is killed and the instance FAILS with the reason. */
  public record Kill(String reason) implements Command {}

  /** Final statuses of tasks, reported by a worker's containers; answered once applied. */
  public record TaskReports(String worker, List<TaskOutcome> outcomes, ActorRef<Done> replyTo) implements Command {
    public TaskReports {
      outcomes = List.copyOf(outcomes);
    }
  }

  /** One task's final status and result. */
  public record TaskOutcome(long taskId, TaskStatus status, String result) {}

  /** Sub-tasks created by {@code map()} in a running task (on any worker); answered once stored. */
  public record MapTasks(long parentTaskId, String taskName, List<byte[]> bodies, ActorRef<MapReply> replyTo) implements Command {
    public MapTasks {
      bodies = List.copyOf(bodies);
    }
  }

  /** Answer to MapTasks: accepted, or why not (overload: try again shortly). */
  public record MapReply(boolean accepted, boolean overload, String message) {}

  /** Messages a mode behaviour sends itself (timers, piped results). */
  non-sealed interface Internal extends Command {}

  private record TaskDone(ProcessResult result) implements Internal {}

  private final InstanceSpec spec;
  private final InstanceRuntime runtime;
  private final LoadedProcessor processor;
  private ContainerPool.Running<ProcessResult> running;
  private TaskContext context;

  public static Behavior<Command> create(InstanceSpec spec, InstanceRuntime runtime) {
    return Behaviors.setup(ctx -> {
      Optional<LoadedProcessor> found = runtime.plugins().find(spec.processor());
      if (found.isEmpty()) {
        return failAtOnce(ctx, spec, runtime, "processor " + spec.processor() + " not found in " + pluginsHint(runtime));
      }
      LoadedProcessor processor = found.get();
      String mode = spec.executeMode();
      Optional<ExecuteMode> known = ExecuteMode.ofKey(mode);
      if (known.isEmpty()) {
        return failAtOnce(ctx, spec, runtime, "execute mode " + mode + " is not supported by this worker");
      }
      return switch (known.get()) {
        case STANDALONE -> new JobInstanceSupervisor(ctx, spec, runtime, processor).start();
        case BROADCAST -> processor.processor() instanceof BroadcastProcessor
            ? BroadcastMaster.create(ctx, spec, runtime, processor)
            : failAtOnce(ctx, spec, runtime, "processor " + processor.name() + " is not a BroadcastProcessor, needed by execute mode broadcast");
        case PARALLEL, GRID, BATCH -> processor.processor() instanceof MapJobProcessor
            ? MapMaster.create(ctx, spec, runtime, processor)
            : failAtOnce(ctx, spec, runtime, "processor " + processor.name() + " is not a MapJobProcessor, needed by execute mode " + mode);
        case SHARDING -> sharded(ctx, spec, runtime, processor);
      };
    });
  }

  private static Behavior<Command> sharded(ActorContext<Command> ctx, InstanceSpec spec, InstanceRuntime runtime, LoadedProcessor processor) {
    List<TaskBodyCodec.Shard> shards;
    try {
      shards = ShardingParameters.parse(spec.jobParameters(), spec.instanceParameters());
    } catch (IllegalArgumentException e) {
      return failAtOnce(ctx, spec, runtime, e.getMessage());
    }
    return MapMaster.createSharded(ctx, spec, runtime, processor, shards);
  }

  private static Behavior<Command> failAtOnce(ActorContext<Command> ctx, InstanceSpec spec, InstanceRuntime runtime, String why) {
    log.info("{} finished FAILED: {}", spec.label(), why);
    runtime.status().report(spec, InstanceStatus.FAILED, why, null);
    return Behaviors.stopped();
  }

  private JobInstanceSupervisor(ActorContext<Command> ctx, InstanceSpec spec, InstanceRuntime runtime, LoadedProcessor processor) {
    super(ctx);
    this.spec = spec;
    this.runtime = runtime;
    this.processor = processor;
  }

  private Behavior<Command> start() {
    context = TaskContext.standalone(spec, runtime.workerAddr(), runtime.codec());
    log.info("{} starts on processor {} ({})", spec.label(), processor.name(), processor.jar().getFileName());
    runtime.status().report(spec, InstanceStatus.RUNNING, "", null);
    running = runtime.pool().runTask(spec.jobName(), System.nanoTime(),
        () -> TaskMdc.call(context, () -> runtime.invoker().invoke(processor, p -> p.process(context))));
    getContext().pipeToSelf(running.result(),
        (result, failure) -> new TaskDone(failure == null ? result : ProcessResult.failure("processor crashed: " + failure)));
    return this;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(TaskDone.class, done -> finish(done.result()))
        .onMessage(Kill.class, this::onKill)
        .onMessage(TaskReports.class, r -> { r.replyTo().tell(Done.getInstance()); return this; })
        .onMessage(MapTasks.class, m -> { m.replyTo().tell(new MapReply(false, false, "job " + spec.jobName() + " is standalone: map() is not available")); return this; })
        .build();
  }

  private Behavior<Command> onKill(Kill kill) {
    runtime.pool().execute(() -> TaskMdc.run(context, () -> runtime.invoker().run(processor, proc -> proc.kill(context))));
    running.interrupt();
    return finish(ProcessResult.failure("killed: " + kill.reason()));
  }

  private Behavior<Command> finish(ProcessResult result) {
    InstanceStatus status = result.status() == InstanceStatus.SUCCESS ? InstanceStatus.SUCCESS : InstanceStatus.FAILED;
    log.info("{} finished {}: {}", spec.label(), status, result.result());
    runtime.pool().observer().finished(spec.jobName(), status == InstanceStatus.SUCCESS ? TaskStatus.SUCCESS : TaskStatus.FAILED);
    runtime.status().report(spec, status, result.result(), null);
    return Behaviors.stopped();
  }

  static String pluginsHint(InstanceRuntime runtime) {
    var names = runtime.plugins().processors().stream().map(LoadedProcessor::name).sorted().toList();
    return "the plugins directory (known processors: " + (names.isEmpty() ? "none" : String.join(", ", names)) + ")";
  }
}
