package dev.schedulerx.worker.instance.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/** Throws, as user code does when something it needs is down. */
public final class ThrowingProcessor implements JobProcessor {
  @Override
  public ProcessResult process(JobContext context) {
    throw new IllegalStateException("database unreachable");
  }

  @Override
  public String name() {
    return "Throwing";
  }
}
