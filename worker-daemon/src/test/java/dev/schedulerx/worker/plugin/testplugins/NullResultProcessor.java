package dev.schedulerx.worker.plugin.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/** Returns null from process, which the API forbids. */
public final class NullResultProcessor implements JobProcessor {
    @Override
    public ProcessResult process(JobContext context) {
        return null;
    }
}
