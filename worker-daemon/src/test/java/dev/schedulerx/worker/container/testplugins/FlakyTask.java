package dev.schedulerx.worker.container.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/**
 * Fails until the attempt given in the job parameters (never when they are empty), saying which attempt it
 * was.
 */
public final class FlakyTask implements JobProcessor {
    @Override
    public ProcessResult process(JobContext context) {
        String succeedAt = context.jobParameters().trim();
        if (!succeedAt.isEmpty() && context.taskAttempt() >= Integer.parseInt(succeedAt)) {
            return ProcessResult.success("succeeded at attempt " + context.taskAttempt() + " of " + context.taskMaxAttempt());
        }
        return ProcessResult.failure("failed at attempt " + context.taskAttempt() + " of " + context.taskMaxAttempt());
    }

    @Override
    public String name() {
        return "flaky-task";
    }
}
