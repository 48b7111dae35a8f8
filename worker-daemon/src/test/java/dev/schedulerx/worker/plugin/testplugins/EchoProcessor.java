package dev.schedulerx.worker.plugin.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/** Has a short name that differs from its class name. */
public final class EchoProcessor implements JobProcessor {
    @Override
    public ProcessResult process(JobContext context) {
        return ProcessResult.success("echo");
    }

    @Override
    public String name() {
        return "echo";
    }
}
