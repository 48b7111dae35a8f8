package dev.schedulerx.worker.plugin;

import dev.schedulerx.api.JobProcessor;
import java.util.List;

/**
 * Where the {@link PluginRegistry} finds plugin units: a directory in production
 * ({@link DirectoryPluginSource}), any list in tests.
 */
@FunctionalInterface
public interface PluginSource {
    /**
     * Returns the units to load, in load order; when two units offer the same processor name, the earlier wins.
     *
     * @return the plugin units, never null
     */
    List<PluginUnit> units();

    /**
     * Returns processors that are already constructed from classes the daemon's own class path has (the
     * testkit and tests use this to run processors without a JAR). They are registered before the units,
     * under the class loader of their class; {@link PluginRegistry#rescan()} takes a changed list (compared
     * by identity). Names must be unique. None by default.
     *
     * @return the processor instances, never null
     */
    default List<JobProcessor> processorInstances() {
        return List.of();
    }

    /**
     * A source of ready-made processor instances and no JARs.
     *
     * @param processors the processors, each registered under its name and class name
     * @return the source
     */
    static PluginSource of(List<? extends JobProcessor> processors) {
        List<JobProcessor> copy = List.copyOf(processors);
        return new PluginSource() {
            @Override
            public List<PluginUnit> units() {
                return List.of();
            }

            @Override
            public List<JobProcessor> processorInstances() {
                return copy;
            }
        };
    }
}
