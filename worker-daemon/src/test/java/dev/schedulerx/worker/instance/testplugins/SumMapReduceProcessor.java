package dev.schedulerx.worker.instance.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapReduceJobProcessor;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Maps 1..N (N = job parameters) as sub-tasks named "Value", each succeeding with its value, and reduces to
 * the sum of the successful ones. The value given as instance parameters fails ("value 7 is unlucky").
 */
public final class SumMapReduceProcessor implements MapReduceJobProcessor {
  @Override
  public ProcessResult process(JobContext context) {
    if (context.isRootTask()) {
      String parameter = context.jobParameters();
      if (!parameter.matches("\\d+")) {
        throw new IllegalArgumentException("parameter '" + parameter + "' is not a count");
      }
      List<Integer> values = IntStream.rangeClosed(1, Integer.parseInt(parameter)).boxed().toList();
      return map(context, values, "Value");
    }
    int value = context.task(Integer.class);
    if (String.valueOf(value).equals(context.instanceParameters())) {
      return ProcessResult.failure("value " + value + " is unlucky");
    }
    return ProcessResult.success(String.valueOf(value));
  }

  @Override
  public ProcessResult reduce(JobContext context) {
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
    return "SumMapReduce";
  }
}
