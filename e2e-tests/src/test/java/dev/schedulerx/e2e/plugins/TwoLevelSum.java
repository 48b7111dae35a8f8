package dev.schedulerx.e2e.plugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapReduceJobProcessor;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Root maps 10 groups; each group maps its 100 values (multi-level map); reduce sums the leaves: 1..1000. */
public final class TwoLevelSum implements MapReduceJobProcessor {
  @Override
  public ProcessResult process(JobContext context) {
    if (isRootTask(context)) {
      List<Integer> groups = new ArrayList<>();
      for (int g = 0; g < 10; g++) {
        groups.add(g);
      }
      return map(context, groups, "Group");
    }
    if ("Group".equals(context.taskName())) {
      int g = context.task(Integer.class);
      List<Integer> values = new ArrayList<>();
      for (int v = g * 100 + 1; v <= g * 100 + 100; v++) {
        values.add(v);
      }
      return map(context, values, "Leaf");
    }
    return ProcessResult.success("leaf:" + context.task(Integer.class));
  }

  @Override
  public ProcessResult reduce(JobContext context) {
    long sum = 0;
    for (Map.Entry<Long, String> e : context.taskResults().entrySet()) {
      if (e.getValue().startsWith("leaf:") && context.taskStatuses().get(e.getKey()) == TaskStatus.SUCCESS) {
        sum += Long.parseLong(e.getValue().substring(5));
      }
    }
    return ProcessResult.success(Long.toString(sum));
  }
}
