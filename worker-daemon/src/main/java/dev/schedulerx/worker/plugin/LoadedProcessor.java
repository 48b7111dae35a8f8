package dev.schedulerx.worker.plugin;

import static java.util.Objects.requireNonNull;

import dev.schedulerx.api.JobProcessor;
import java.nio.file.Path;

/**
 * A processor found in a plugin. Call it only through {@link ProcessorInvoker}.
 *
 * @param name the processor's short name ({@link JobProcessor#name()})
 * @param className its fully qualified class name
 * @param processor the single instance serving every task
 * @param classLoader the loader of its plugin, set as thread context class loader around each call
 * @param jar the main JAR of its plugin
 */
public record LoadedProcessor(
        String name, String className, JobProcessor processor, ClassLoader classLoader, Path jar) {

    /** Checks that no component is null. */
    public LoadedProcessor {
        requireNonNull(name, "name");
        requireNonNull(className, "className");
        requireNonNull(processor, "processor");
        requireNonNull(classLoader, "classLoader");
        requireNonNull(jar, "jar");
    }
}
