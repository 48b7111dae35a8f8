package dev.schedulerx.interop.official;

import com.alibaba.schedulerx.common.domain.TaskStatus;
import com.alibaba.schedulerx.worker.domain.JobContext;
import com.alibaba.schedulerx.worker.processor.MapReduceJobProcessor;
import com.alibaba.schedulerx.worker.processor.ProcessResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * MapReduce on the official worker: the root task maps the integers 1..N (N = parameters) as sub-tasks named
 * {@value #NUMBERS}; each sub-task answers {@code "<n>@<runner>"}; reduce answers {@code "<sum> by <runners>"}
 * with the runners sorted. Our daemons run the same job with {@code DaemonSum}, under this class name.
 */
public class OfficialSum extends MapReduceJobProcessor {
  public static final String NUMBERS = "Numbers";

  @Override
  public ProcessResult process(JobContext context) throws Exception {
    if (isRootTask(context)) {
      String params = context.getInstanceParameters() == null || context.getInstanceParameters().isEmpty()
          ? context.getJobParameters() : context.getInstanceParameters();
      int count = Integer.parseInt(params.trim());
      List<Integer> numbers = new ArrayList<>(count);
      for (int i = 1; i <= count; i++) {
        numbers.add(i);
      }
      return map(numbers, NUMBERS);
    }
    int n = (Integer) context.getTask();
    return new ProcessResult(true, n + "@official-" + ProcessHandle.current().pid());
  }

  @Override
  public ProcessResult reduce(JobContext context) {
    long sum = 0;
    TreeSet<String> runners = new TreeSet<>();
    Map<Long, TaskStatus> statuses = context.getTaskStatuses();
    for (Map.Entry<Long, String> e : context.getTaskResults().entrySet()) {
      String value = e.getValue();
      if (e.getKey() == 0 || statuses.get(e.getKey()) != TaskStatus.SUCCESS || value == null || !value.contains("@")) {
        continue;
      }
      sum += Long.parseLong(value.substring(0, value.indexOf('@')));
      runners.add(value.substring(value.indexOf('@') + 1));
    }
    return new ProcessResult(true, sum + " by " + String.join(",", runners));
  }
}
