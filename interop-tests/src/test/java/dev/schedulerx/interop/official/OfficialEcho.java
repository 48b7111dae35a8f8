package dev.schedulerx.interop.official;

import com.alibaba.schedulerx.worker.domain.JobContext;
import com.alibaba.schedulerx.worker.processor.JavaProcessor;
import com.alibaba.schedulerx.worker.processor.ProcessResult;

/** Standalone job on the official worker: answers with its parameters. */
public class OfficialEcho extends JavaProcessor {
  @Override
  public ProcessResult process(JobContext context) {
    String params = context.getInstanceParameters() == null || context.getInstanceParameters().isEmpty()
        ? context.getJobParameters() : context.getInstanceParameters();
    return new ProcessResult(true, "official echo: " + params);
  }
}
