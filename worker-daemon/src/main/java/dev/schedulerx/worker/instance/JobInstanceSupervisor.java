package dev.schedulerx.worker.instance;

import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.worker.container.ContainerPool;
import dev.schedulerx.worker.plugin.LoadedProcessor;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Owns one job instance on the worker the server picked as its master: finds the processor, runs it off
 * the dispatcher, reports the outcome, and stops. One actor per instance, so a failing instance never
 * touches another.
 */
public final class JobInstanceSupervisor extends AbstractBehavior<JobInstanceSupervisor.Command> {

  /** What the supervisor accepts. */
  public sealed interface Command permits Kill, TaskDone, TaskCrashed {}

  /** Stop the instance: the processor's kill hook runs, its thread is interrupted, the instance FAILS. */
  public record Kill(String reason) implements Command {}

  private record TaskDone(ProcessResult result) implements Command {}

  private record TaskCrashed(Throwable failure) implements Command {}

  public static final String STANDALONE = "standalone";

  private final InstanceSpec spec;
  private final InstanceRuntime runtime;
  private ContainerPool.Running<ProcessResult> running;
  private LoadedProcessor processor;
  private TaskContext context;

  public static Behavior<Command> create(InstanceSpec spec, InstanceRuntime runtime) {
    return Behaviors.setup(ctx -> new JobInstanceSupervisor(ctx, spec, runtime).start());
  }

  private JobInstanceSupervisor(ActorContext<Command> ctx, InstanceSpec spec, InstanceRuntime runtime) {
    super(ctx);
    this.spec = spec;
    this.runtime = runtime;
  }

  private Behavior<Command> start() {
    Optional<LoadedProcessor> found = runtime.plugins().find(spec.processor());
    if (found.isEmpty()) {
      return finish(ProcessResult.failure("processor " + spec.processor() + " not found in " + pluginsHint()));
    }
    if (!STANDALONE.equals(spec.executeMode())) {
      return finish(ProcessResult.failure("execute mode " + spec.executeMode() + " is not supported by this worker yet"));
    }
    processor = found.get();
    context = TaskContext.standalone(spec, runtime.workerAddr(), runtime.codec());
    getContext().getLog().info("{} starts on processor {} ({})", spec.label(), processor.name(), processor.jar().getFileName());
    runtime.status().report(spec, InstanceStatus.RUNNING, "", null);
    running = runtime.pool().run(() -> runtime.invoker().invoke(processor, p -> p.process(context)));
    getContext().pipeToSelf(running.result(), (result, failure) -> failure == null ? new TaskDone(result) : new TaskCrashed(failure));
    return this;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(TaskDone.class, done -> finish(done.result()))
        .onMessage(TaskCrashed.class, crashed -> finish(ProcessResult.failure("processor crashed: " + crashed.failure())))
        .onMessage(Kill.class, this::onKill)
        .build();
  }

  private Behavior<Command> onKill(Kill kill) {
    LoadedProcessor p = processor;
    TaskContext c = context;
    runtime.pool().execute(() -> runtime.invoker().run(p, proc -> proc.kill(c)));
    running.interrupt();
    return finish(ProcessResult.failure("killed: " + kill.reason()));
  }

  private Behavior<Command> finish(ProcessResult result) {
    InstanceStatus status = result.status() == InstanceStatus.SUCCESS ? InstanceStatus.SUCCESS : InstanceStatus.FAILED;
    getContext().getLog().info("{} finished {}: {}", spec.label(), status, result.result());
    runtime.status().report(spec, status, result.result(), null);
    return Behaviors.stopped();
  }

  private String pluginsHint() {
    var names = runtime.plugins().processors().stream().map(LoadedProcessor::name).sorted().toList();
    return "the plugins directory (known processors: " + (names.isEmpty() ? "none" : String.join(", ", names)) + ")";
  }
}
