package dev.schedulerx.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.MapReduceJobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's own contract, on two workers. */
class SchedulerxClusterTest {
  @RegisterExtension
  static final SchedulerxCluster cluster = SchedulerxCluster.withWorkers(2);

  /** Counts its constructions: shows that a class is constructed once per worker. */
  public static final class WhoAmI implements JobProcessor {
    static final AtomicInteger CONSTRUCTED = new AtomicInteger();

    public WhoAmI() {
      CONSTRUCTED.incrementAndGet();
    }

    @Override
    public ProcessResult process(JobContext context) {
      return ProcessResult.success("ran " + context.instanceParameters());
    }
  }

  /** Counts words over sub-tasks; the reduce returns the total. */
  static final class WordCount implements MapReduceJobProcessor {
    @Override
    public ProcessResult process(JobContext context) {
      if (isRootTask(context)) {
        return map(context, List.of(context.instanceParameters().split(";")), "Line");
      }
      return ProcessResult.success(Integer.toString(context.task(String.class).trim().split("\\s+").length));
    }

    @Override
    public ProcessResult reduce(JobContext context) {
      return ProcessResult.success(Integer.toString(context.taskResults().values().stream()
          .filter(v -> !v.isEmpty()).mapToInt(Integer::parseInt).sum()));
    }
  }

  @Test
  void aProcessorInstanceRunsInTheModeItsTypeIsMeantFor() {
    RunResult r = cluster.run(new WordCount(), "a b c;d e;f;g h i j");

    assertThat(r.status()).isEqualTo(InstanceStatus.SUCCESS);
    assertThat(r.result()).isEqualTo("10");
    assertThat(r.tasksPerWorker().keySet()).isSubsetOf(cluster.workerIds());
  }

  @Test
  void aProcessorClassIsConstructedOnEveryWorkerAndRuns() {
    RunResult r = cluster.run(WhoAmI.class, ExecuteMode.STANDALONE, "x");

    assertThat(r.succeeded()).isTrue();
    assertThat(r.result()).isEqualTo("ran x");
    assertThat(cluster.workerIds()).hasSize(2).contains(r.master());
    assertThat(WhoAmI.CONSTRUCTED).hasValue(2);
  }

  @Test
  void aProcessorThatDoesNotFitTheModeIsRefusedBeforeAnythingRuns() {
    assertThatIllegalArgumentException().isThrownBy(() -> cluster.run(WhoAmI.class, ExecuteMode.MAP_REDUCE, ""))
        .withMessageContaining("is not a MapReduceJobProcessor");
  }

  @Test
  void aClusterOutsideItsTestsSaysHowToUseIt() {
    assertThatIllegalStateException().isThrownBy(() -> SchedulerxCluster.withWorkers(1).workerIds())
        .withMessageContaining("@RegisterExtension");
    assertThatIllegalArgumentException().isThrownBy(() -> SchedulerxCluster.withWorkers(0));
  }
}
