package dev.schedulerx.worker.container.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/** Throws, naming the task. */
public final class ThrowingTask implements JobProcessor {
    @Override
    public ProcessResult process(JobContext context) {
        throw new IllegalStateException("boom in task " + context.taskId());
    }

    @Override
    public String name() {
        return "throwing-task";
    }
}
