package dev.schedulerx.worker.plugin.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/** Throws from process. */
public final class FailingProcessor implements JobProcessor {
    @Override
    public ProcessResult process(JobContext context) {
        throw new IllegalStateException("failed on purpose");
    }
}
