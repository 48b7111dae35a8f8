package dev.schedulerx.worker.instance.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapReduceJobProcessor;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A two-level map: job parameters "K,M"; the root maps K tasks named "Group", group g maps the M values
 * g*M+1..(g+1)*M as tasks named "Leaf", each leaf succeeds with its value, reduce sums the leaves (root
 * and group tasks succeed with an empty result).
 */
public final class TwoLevelSumProcessor implements MapReduceJobProcessor {
  @Override
  public ProcessResult process(JobContext context) {
    String[] km = context.jobParameters().split(",");
    int groups = Integer.parseInt(km[0].trim());
    int perGroup = Integer.parseInt(km[1].trim());
    if (context.isRootTask()) {
      return map(context, IntStream.range(0, groups).boxed().toList(), "Group");
    }
    if ("Group".equals(context.taskName())) {
      int g = context.task(Integer.class);
      List<Integer> leaves = IntStream.rangeClosed(g * perGroup + 1, (g + 1) * perGroup).boxed().toList();
      ProcessResult mapped = map(context, leaves, "Leaf");
      return mapped.isSuccess() ? ProcessResult.success("") : mapped;
    }
    return ProcessResult.success(String.valueOf(context.task(Integer.class)));
  }

  @Override
  public ProcessResult reduce(JobContext context) {
    long sum = 0;
    for (Map.Entry<Long, String> e : context.taskResults().entrySet()) {
      if (!e.getValue().isEmpty() && context.taskStatuses().get(e.getKey()) == TaskStatus.SUCCESS) {
        sum += Long.parseLong(e.getValue());
      }
    }
    return ProcessResult.success(String.valueOf(sum));
  }

  @Override
  public String name() {
    return "TwoLevelSum";
  }
}
