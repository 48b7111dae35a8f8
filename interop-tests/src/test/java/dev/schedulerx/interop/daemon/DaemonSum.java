package dev.schedulerx.interop.daemon;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapReduceJobProcessor;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The mixed group's MapReduce for our daemons: the same job as the official worker's {@code OfficialSum}
 * (root maps 10 ranges, each range maps its integers of 1..N, results {@code "<n>@<runner>"}, reduce {@code
 * "<sum> by <runners>"}), registered under that class name so one job runs on both kinds of worker.
 */
public final class DaemonSum implements MapReduceJobProcessor {
  /** The official processor's class name: what the job's content names. */
  public static final String OFFICIAL_NAME = "dev.schedulerx.interop.official.OfficialSum";
  private static final int RANGES = 10;

  @Override
  public String name() {
    return OFFICIAL_NAME;
  }

  @Override
  public ProcessResult process(JobContext context) {
    if (isRootTask(context)) {
      List<Integer> ranges = new ArrayList<>(RANGES);
      for (int k = 1; k <= RANGES; k++) {
        ranges.add(k);
      }
      return map(context, ranges, "Ranges");
    }
    if ("Ranges".equals(context.taskName())) {
      int count = Integer.parseInt(context.jobParameters().split(",")[0].trim());
      int k = context.task(Integer.class);
      List<Integer> numbers = new ArrayList<>();
      for (int i = (k - 1) * count / RANGES + 1; i <= k * count / RANGES; i++) {
        numbers.add(i);
      }
      ProcessResult mapped = map(context, numbers, "Numbers");
      // A range's result names who ran it (and so sent its map request to the master).
      return mapped.status() == dev.schedulerx.api.InstanceStatus.SUCCESS
          ? ProcessResult.success("range:daemon-" + ProcessHandle.current().pid()) : mapped;
    }
    int n = context.task(Integer.class);
    pause(context.jobParameters());
    return ProcessResult.success(n + "@daemon-" + ProcessHandle.current().pid());
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
    Map<Long, TaskStatus> statuses = context.taskStatuses();
    for (Map.Entry<Long, String> e : context.taskResults().entrySet()) {
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
    return ProcessResult.success(sum + " by " + String.join(",", runners) + " | ranges by " + String.join(",", rangeRunners));
  }
}
