package dev.schedulerx.worker.instance.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapReduceJobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.util.stream.IntStream;

/** Maps 1..N (job parameters) as "Value" tasks, all succeeding; its reduce throws. */
public final class ThrowingReduceProcessor implements MapReduceJobProcessor {
  @Override
  public ProcessResult process(JobContext context) {
    if (context.isRootTask()) {
      return map(context, IntStream.rangeClosed(1, Integer.parseInt(context.jobParameters())).boxed().toList(), "Value");
    }
    return ProcessResult.success(String.valueOf(context.task(Integer.class)));
  }

  @Override
  public ProcessResult reduce(JobContext context) {
    throw new IllegalStateException("ledger out of balance");
  }

  @Override
  public String name() {
    return "ThrowingReduce";
  }
}
