package dev.schedulerx.worker.remote;

import static java.util.Objects.requireNonNull;

import dev.schedulerx.worker.container.ContainerRunner;
import dev.schedulerx.worker.container.ContainerTask;
import dev.schedulerx.worker.container.TaskGroup;
import dev.schedulerx.worker.instance.Peers;
import dev.schedulerx.worker.task.InstanceSpec;
import dev.schedulerx.worker.task.TaskSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * {@link Peers} that hand a master's tasks for this very worker straight to its {@link ContainerRunner},
 * as the {@code container_routing} endpoint would after decoding a start request, and everything else to
 * the wire client. A master runs its share of a big map without building, and then reading back, one
 * protobuf request per task (a third of a MapReduce on three workers).
 */
public final class LocalPeers implements Peers {
  private final String self;
  private final String masterPath;
  private final ActorRef<ContainerRunner.Command> runner;
  private final Peers wire;

  /**
   * @param self this worker as the server lists it ({@code workerId@host:port})
   * @param masterPath this worker's {@code map_master_router} path, where its containers report
   */
  public LocalPeers(String self, String masterPath, ActorRef<ContainerRunner.Command> runner, Peers wire) {
    this.self = requireNonNull(self, "self");
    this.masterPath = requireNonNull(masterPath, "masterPath");
    this.runner = requireNonNull(runner, "runner");
    this.wire = requireNonNull(wire, "wire");
  }

  @Override
  public CompletionStage<Void> startTasks(String worker, InstanceSpec instance, List<TaskSpec> tasks) {
    if (!self.equals(worker)) {
      return wire.startTasks(worker, instance, tasks);
    }
    // Consecutive tasks with the same per-task knobs share one group, as decoded requests do.
    TaskGroup group = null;
    List<ContainerTask> run = new ArrayList<>();
    for (TaskSpec task : tasks) {
      if (group == null || group.taskMaxAttempt() != task.maxAttempt()
          || group.retryInterval().getSeconds() != Math.max(0, task.attemptIntervalSeconds()) || group.shardingNum() != task.shardingNum()) {
        flush(group, run);
        run = new ArrayList<>();
        group = new TaskGroup(instance, masterPath, 0, 0, task.maxAttempt(), instance.maxAttempt(),
            Duration.ofSeconds(Math.max(0, task.attemptIntervalSeconds())), task.shardingNum());
      }
      // The master keeps the body for a re-dispatch: the processor gets its own copy, as over the wire.
      run.add(new ContainerTask(group, task.taskId(), task.taskName(), Arrays.copyOf(task.body(), task.body().length), 0));
    }
    flush(group, run);
    return CompletableFuture.completedFuture(null);
  }

  private void flush(TaskGroup group, List<ContainerTask> run) {
    if (group != null && !run.isEmpty()) {
      runner.tell(new ContainerRunner.Start(group, run));
    }
  }

  @Override
  public CompletionStage<Void> checkAlive(String worker, long instanceId) {
    return wire.checkAlive(worker, instanceId);
  }

  @Override
  public void kill(String worker, InstanceSpec instance) {
    wire.kill(worker, instance);
  }

  @Override
  public void destroy(String worker, InstanceSpec instance) {
    wire.destroy(worker, instance);
  }

  @Override
  public void claim(String worker, InstanceSpec instance, int epoch) {
    if (self.equals(worker)) {
      runner.tell(new ContainerRunner.Fence(instance.instanceId(), epoch, masterPath));
    } else {
      wire.claim(worker, instance, epoch);
    }
  }

  @Override
  public void release(InstanceSpec instance, int epoch) {
    runner.tell(new ContainerRunner.Fence(instance.instanceId(), epoch + 1, ""));
  }
}
