package dev.schedulerx.worker.plugin;

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
}
