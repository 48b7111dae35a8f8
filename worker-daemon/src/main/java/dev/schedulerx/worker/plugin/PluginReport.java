package dev.schedulerx.worker.plugin;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * Outcome of {@link PluginRegistry#load()}: what was loaded, and what went wrong, JAR by JAR. The
 * {@code plugins} command prints it; the daemon logs it and starts anyway.
 *
 * @param processors every loaded processor, in load order
 * @param problems every JAR or processor that was skipped, in load order
 */
public record PluginReport(List<LoadedProcessor> processors, List<Problem> problems) {

    /**
     * Creates a report.
     *
     * @param processors copied
     * @param problems copied
     */
    public PluginReport {
        processors = List.copyOf(processors);
        problems = List.copyOf(problems);
    }

    /**
     * Something that kept a JAR, or one processor in it, from loading.
     *
     * @param jar the plugin's main JAR
     * @param reason one line saying what went wrong
     */
    public record Problem(Path jar, String reason) {
        /** Checks that no component is null. */
        public Problem {
            requireNonNull(jar, "jar");
            requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return jar.getFileName() + ": " + reason;
        }
    }
}
