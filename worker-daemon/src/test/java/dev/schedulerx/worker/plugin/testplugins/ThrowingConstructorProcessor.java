package dev.schedulerx.worker.plugin.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/** Cannot be instantiated. */
public final class ThrowingConstructorProcessor implements JobProcessor {
    public ThrowingConstructorProcessor() {
        throw new IllegalStateException("constructor refused to run");
    }

    @Override
    public ProcessResult process(JobContext context) {
        return ProcessResult.success();
    }
}
