package dev.schedulerx.interop.daemon;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The OpenAPI tests' job on our daemons; its run's parameters (else the job's) say what it does: {@code log:N}
 * logs N numbered lines, {@code hang} waits until killed (60 s at most), {@code fail} fails; anything else
 * succeeds. Results name the daemon's pid and the run's data time, so tests see where and for when it ran.
 */
public final class OpenApiProbe implements JobProcessor {
  private static final System.Logger LOG = System.getLogger(OpenApiProbe.class.getName());
  private final CountDownLatch killed = new CountDownLatch(1);

  @Override
  public ProcessResult process(JobContext context) throws InterruptedException {
    String params = context.instanceParameters() == null || context.instanceParameters().isBlank()
        ? context.jobParameters() : context.instanceParameters();
    params = params == null ? "" : params.strip();
    String where = "pid" + ProcessHandle.current().pid() + " dataTime=" + context.dataTime();
    if (params.startsWith("log:")) {
      int lines = Integer.parseInt(params.substring(4));
      for (int i = 1; i <= lines; i++) {
        LOG.log(System.Logger.Level.INFO, "probe line " + i + " of instance " + context.jobInstanceId());
      }
      return ProcessResult.success("logged " + lines + " on " + where);
    }
    if (params.equals("hang")) {
      killed.await(60, TimeUnit.SECONDS);
      return ProcessResult.failure("hung until killed on " + where);
    }
    if (params.equals("fail")) {
      return ProcessResult.failure("failed as asked on " + where);
    }
    return ProcessResult.success("probe " + params + " on " + where);
  }

  @Override
  public void kill(JobContext context) {
    killed.countDown();
  }
}
