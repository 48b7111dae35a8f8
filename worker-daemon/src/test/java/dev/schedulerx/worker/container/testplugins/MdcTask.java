package dev.schedulerx.worker.container.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;
import org.slf4j.MDC;

/** Succeeds with the logging MDC it runs under: {@code jobId/instanceId/taskId}. */
public final class MdcTask implements JobProcessor {
    @Override
    public ProcessResult process(JobContext context) {
        return ProcessResult.success(MDC.get("jobId") + "/" + MDC.get("instanceId") + "/" + MDC.get("taskId"));
    }

    @Override
    public String name() {
        return "mdc-task";
    }
}
