package dev.schedulerx.worker.plugin.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/**
 * Refers to {@code picocli.CommandLine}, a class the daemon has too; the isolation test bundles a stub of
 * it in the plugin JAR. Returns which loader the processor's own code resolved it with.
 */
public final class DaemonClassProbe implements JobProcessor {
    @Override
    public ProcessResult process(JobContext context) {
        boolean own = picocli.CommandLine.class.getClassLoader() == getClass().getClassLoader();
        return ProcessResult.success(own ? "plugin copy" : "daemon copy");
    }
}
