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
 * Two-level MapReduce on the official worker: the root task maps {@value #RANGES} ranges (1..10) as sub-tasks
 * named {@code Ranges}; range k maps its share of the integers 1..N (N = parameters) as sub-tasks named
 * {@code Numbers}, from whichever worker runs it; each number answers {@code "<n>@<runner>"}; reduce answers
 * {@code "<sum> by <runners> | ranges by <runners of the ranges>"}, sorted. Our daemons run the same job with {@code DaemonSum},
 * under this class name.
 */
public class OfficialSum extends MapReduceJobProcessor {
  static final int RANGES = 10;

  @Override
  public ProcessResult process(JobContext context) throws Exception {
    if (isRootTask(context)) {
      List<Integer> ranges = new ArrayList<>(RANGES);
      for (int k = 1; k <= RANGES; k++) {
        ranges.add(k);
      }
      return map(ranges, "Ranges");
    }
    if ("Ranges".equals(context.getTaskName())) {
      int count = Integer.parseInt(context.getJobParameters().split(",")[0].trim());
      int k = (Integer) context.getTask();
      List<Integer> numbers = new ArrayList<>();
      for (int i = (k - 1) * count / RANGES + 1; i <= k * count / RANGES; i++) {
        numbers.add(i);
      }
      ProcessResult mapped = map(numbers, "Numbers");
      // A range's result names who ran it (and so sent its map request to the master).
      return mapped.getStatus() == com.alibaba.schedulerx.common.domain.InstanceStatus.SUCCESS
          ? new ProcessResult(true, "range:official-" + ProcessHandle.current().pid()) : mapped;
    }
    int n = (Integer) context.getTask();
    pause(context.getJobParameters());
    return new ProcessResult(true, n + "@official-" + ProcessHandle.current().pid());
  }

  /** Parameters "N,ms": each number takes ms milliseconds (slow enough to kill its master half way). */
  static void pause(String parameters) {
    String[] p = parameters.split(",");
    if (p.length > 1) {
      try {
        Thread.sleep(Long.parseLong(p[1].trim()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public ProcessResult reduce(JobContext context) {
    long sum = 0;
    TreeSet<String> runners = new TreeSet<>();
    TreeSet<String> rangeRunners = new TreeSet<>();
    Map<Long, TaskStatus> statuses = context.getTaskStatuses();
    for (Map.Entry<Long, String> e : context.getTaskResults().entrySet()) {
      String value = e.getValue();
      if (value != null && value.startsWith("range:")) {
        rangeRunners.add(value.substring("range:".length()));
        continue;
      }
      if (e.getKey() == 0 || statuses.get(e.getKey()) != TaskStatus.SUCCESS || value == null || !value.contains("@")) {
        continue;
      }
      sum += Long.parseLong(value.substring(0, value.indexOf('@')));
      runners.add(value.substring(value.indexOf('@') + 1));
    }
    return new ProcessResult(true, sum + " by " + String.join(",", runners) + " | ranges by " + String.join(",", rangeRunners));
  }
}
