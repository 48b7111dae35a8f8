package dev.schedulerx.worker.container.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/** Succeeds with a result of about 1,000 bytes ending in the task id. */
public final class WideResultTask implements JobProcessor {
    @Override
    public ProcessResult process(JobContext context) {
        return ProcessResult.success("w".repeat(990) + context.taskId());
    }

    @Override
    public String name() {
        return "wide-result-task";
    }
}
