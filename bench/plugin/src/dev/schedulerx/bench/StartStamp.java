package dev.schedulerx.bench;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/**
 * Benchmark processor: does nothing but return the wall-clock millisecond at which the worker called it, so
 * a benchmark can compare the processor's real start with the instance's schedule time stored by the server.
 */
public final class StartStamp implements JobProcessor {
    @Override
    public ProcessResult process(JobContext context) {
        return ProcessResult.success(Long.toString(System.currentTimeMillis()));
    }
}
