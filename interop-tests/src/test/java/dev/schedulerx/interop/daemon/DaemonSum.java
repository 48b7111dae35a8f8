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
 * (integers 1..N, sub-task results {@code "<n>@<runner>"}, reduce {@code "<sum> by <runners>"}), registered
 * under that class name so one job runs on both kinds of worker.
 */
public final class DaemonSum implements MapReduceJobProcessor {
  /** The official processor's class name: what the job's content names. */
  public static final String OFFICIAL_NAME = "dev.schedulerx.interop.official.OfficialSum";

  @Override
  public String name() {
    return OFFICIAL_NAME;
  }

  @Override
  public ProcessResult process(JobContext context) {
    if (isRootTask(context)) {
      String params = context.instanceParameters().isEmpty() ? context.jobParameters() : context.instanceParameters();
      int count = Integer.parseInt(params.trim());
      List<Integer> numbers = new ArrayList<>(count);
      for (int i = 1; i <= count; i++) {
        numbers.add(i);
      }
      return map(context, numbers, "Numbers");
    }
    int n = context.task(Integer.class);
    return ProcessResult.success(n + "@daemon-" + ProcessHandle.current().pid());
  }

  @Override
  public ProcessResult reduce(JobContext context) {
    long sum = 0;
    TreeSet<String> runners = new TreeSet<>();
    Map<Long, TaskStatus> statuses = context.taskStatuses();
    for (Map.Entry<Long, String> e : context.taskResults().entrySet()) {
      String value = e.getValue();
      if (e.getKey() == 0 || statuses.get(e.getKey()) != TaskStatus.SUCCESS || value == null || !value.contains("@")) {
        continue;
      }
      sum += Long.parseLong(value.substring(0, value.indexOf('@')));
      runners.add(value.substring(value.indexOf('@') + 1));
    }
    return ProcessResult.success(sum + " by " + String.join(",", runners));
  }
}
