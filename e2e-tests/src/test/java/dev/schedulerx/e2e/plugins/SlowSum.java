package dev.schedulerx.e2e.plugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapReduceJobProcessor;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** MapReduce over 1..N where each sub-task takes a few ms: slow enough to kill a worker halfway. Params "N,ms". */
public final class SlowSum implements MapReduceJobProcessor {
  @Override
  public ProcessResult process(JobContext context) throws Exception {
    String[] p = context.instanceParameters().split(",");
    if (isRootTask(context)) {
      List<Long> values = new ArrayList<>();
      for (long i = 1; i <= Long.parseLong(p[0].trim()); i++) {
        values.add(i);
      }
      return map(context, values, "Value");
    }
    Thread.sleep(Long.parseLong(p[1].trim()));
    return ProcessResult.success(Long.toString(context.task(Long.class)));
  }

  @Override
  public ProcessResult reduce(JobContext context) {
    long sum = 0;
    for (Map.Entry<Long, String> e : context.taskResults().entrySet()) {
      if (e.getKey() != 0 && context.taskStatuses().get(e.getKey()) == TaskStatus.SUCCESS) {
        sum += Long.parseLong(e.getValue());
      }
    }
    return ProcessResult.success(Long.toString(sum));
  }
}
