package dev.schedulerx.worker.instance.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/** Succeeds with "ok". */
public final class OkProcessor implements JobProcessor {
  @Override
  public ProcessResult process(JobContext context) {
    return ProcessResult.success("ok");
  }

  @Override
  public String name() {
    return "Ok";
  }
}
