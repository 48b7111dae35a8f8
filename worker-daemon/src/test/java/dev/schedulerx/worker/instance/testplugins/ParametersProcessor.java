package dev.schedulerx.worker.instance.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/** Succeeds with what it was given: "job=&lt;job parameters&gt; instance=&lt;instance parameters&gt;". */
public final class ParametersProcessor implements JobProcessor {
  @Override
  public ProcessResult process(JobContext context) {
    return ProcessResult.success("job=" + context.jobParameters() + " instance=" + context.instanceParameters());
  }

  @Override
  public String name() {
    return "Parameters";
  }
}
