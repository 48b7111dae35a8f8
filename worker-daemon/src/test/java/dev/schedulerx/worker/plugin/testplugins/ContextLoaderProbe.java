package dev.schedulerx.worker.plugin.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/** Reports whether the thread context class loader is its own class loader. */
public final class ContextLoaderProbe implements JobProcessor {
    @Override
    public ProcessResult process(JobContext context) {
        boolean own = Thread.currentThread().getContextClassLoader() == getClass().getClassLoader();
        return ProcessResult.success(own ? "tccl is the plugin loader" : "tccl is another loader");
    }
}
