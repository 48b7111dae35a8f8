package dev.schedulerx.worker.instance.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapReduceJobProcessor;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Maps 1..N (job parameters); reduce creates the file "reduce-started" in the directory given as instance
 * parameters, waits there until a file "go" exists, then sums the values.
 */
public final class GatedReduceProcessor implements MapReduceJobProcessor {
  @Override
  public ProcessResult process(JobContext context) {
    if (context.isRootTask()) {
      return map(context, IntStream.rangeClosed(1, Integer.parseInt(context.jobParameters())).boxed().toList(), "Value");
    }
    return ProcessResult.success(String.valueOf((int) context.task(Integer.class)));
  }

  @Override
  public ProcessResult reduce(JobContext context) throws Exception {
    Path dir = Path.of(context.instanceParameters());
    Files.writeString(dir.resolve("reduce-started"), "");
    while (!Files.exists(dir.resolve("go"))) {
      Thread.sleep(10);
    }
    long sum = 0;
    for (Map.Entry<Long, String> e : context.taskResults().entrySet()) {
      if (e.getKey() != 0 && context.taskStatuses().get(e.getKey()) == TaskStatus.SUCCESS) {
        sum += Long.parseLong(e.getValue());
      }
    }
    return ProcessResult.success(String.valueOf(sum));
  }

  @Override
  public String name() {
    return "GatedReduce";
  }
}
