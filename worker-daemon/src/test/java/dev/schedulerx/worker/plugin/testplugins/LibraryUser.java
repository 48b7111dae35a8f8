package dev.schedulerx.worker.plugin.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/** Needs {@link LibraryHelper}, which the tests put into a library JAR of the plugin unit. */
public final class LibraryUser implements JobProcessor {
    @Override
    public ProcessResult process(JobContext context) {
        return ProcessResult.success(LibraryHelper.greeting());
    }
}
