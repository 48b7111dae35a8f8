package dev.schedulerx.e2e.plugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapJobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.util.ArrayList;
import java.util.List;

/** Maps N sub-tasks that block until interrupted, logging when they start and when they are stopped. */
public final class HangingMap implements MapJobProcessor {
  private static final System.Logger LOG = System.getLogger(HangingMap.class.getName());

  @Override
  public ProcessResult process(JobContext context) throws Exception {
    if (isRootTask(context)) {
      List<Integer> tasks = new ArrayList<>();
      for (int i = 0; i < Integer.parseInt(context.instanceParameters().trim()); i++) {
        tasks.add(i);
      }
      return map(context, tasks, "Hang");
    }
    LOG.log(System.Logger.Level.INFO, "hang task {0} started", context.taskId());
    try {
      Thread.sleep(Long.MAX_VALUE);
      return ProcessResult.success();
    } catch (InterruptedException e) {
      LOG.log(System.Logger.Level.INFO, "hang task {0} interrupted", context.taskId());
      throw e;
    }
  }

  @Override
  public void kill(JobContext context) {
    LOG.log(System.Logger.Level.INFO, "kill hook of instance {0}", context.jobInstanceId());
  }
}
