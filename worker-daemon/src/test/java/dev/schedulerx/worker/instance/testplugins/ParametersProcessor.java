package dev.schedulerx.worker.instance.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/** Succeeds with what it was given, "job=&lt;job parameters&gt; instance=&lt;instance parameters&gt;", and logs it. */
public final class ParametersProcessor implements JobProcessor {
  private static final System.Logger log = System.getLogger(ParametersProcessor.class.getName());

  @Override
  public ProcessResult process(JobContext context) {
    String given = "job=" + context.jobParameters() + " instance=" + context.instanceParameters();
    log.log(System.Logger.Level.INFO, "given " + given);
    return ProcessResult.success(given);
  }

  @Override
  public String name() {
    return "Parameters";
  }
}
