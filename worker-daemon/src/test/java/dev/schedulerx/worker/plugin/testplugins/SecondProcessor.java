package dev.schedulerx.worker.plugin.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/** Uses the default name, its simple class name. */
public final class SecondProcessor implements JobProcessor {
    @Override
    public ProcessResult process(JobContext context) {
        return ProcessResult.success("second");
    }
}
