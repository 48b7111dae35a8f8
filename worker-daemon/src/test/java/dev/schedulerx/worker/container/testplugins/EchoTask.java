package dev.schedulerx.worker.container.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/** Succeeds with {@code "ok <taskId>"}. */
public final class EchoTask implements JobProcessor {
    @Override
    public ProcessResult process(JobContext context) {
        return ProcessResult.success("ok " + context.taskId());
    }

    @Override
    public String name() {
        return "echo-task";
    }
}
