package dev.schedulerx.worker.plugin.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/** Claims the name of {@link EchoProcessor}. */
public final class EchoImpostorProcessor implements JobProcessor {
    @Override
    public ProcessResult process(JobContext context) {
        return ProcessResult.success("impostor");
    }

    @Override
    public String name() {
        return "echo";
    }
}
