package dev.schedulerx.e2e.plugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapJobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.util.ArrayList;
import java.util.List;

/** Maps 20 sub-tasks that fail on their first attempt and succeed when retried. */
public final class FlakyMap implements MapJobProcessor {
  @Override
  public ProcessResult process(JobContext context) {
    if (isRootTask(context)) {
      List<Integer> tasks = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        tasks.add(i);
      }
      return map(context, tasks, "Flaky");
    }
    return context.taskAttempt() == 0 ? ProcessResult.failure("first attempt fails") : ProcessResult.success("ok on attempt " + context.taskAttempt());
  }
}
