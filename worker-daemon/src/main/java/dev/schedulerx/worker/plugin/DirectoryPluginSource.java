package dev.schedulerx.worker.plugin;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds plugin units in a directory such as {@code plugins/}: every {@code <name>.jar} in it, sorted by file
 * name, each with the JARs of {@code <name>/lib/} (sorted by file name) as its libraries. Other files are
 * ignored. A missing directory yields no units and a warning, so the daemon still starts.
 */
public final class DirectoryPluginSource implements PluginSource {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryPluginSource.class);
    private static final Comparator<Path> BY_FILE_NAME = Comparator.comparing(p -> p.getFileName().toString());

    private final Path dir;
    /** The last warning logged, so a periodic scan repeats none of them while nothing changes. */
    private volatile String lastWarning = "";

    /**
     * Creates a source for the given directory.
     *
     * @param dir the plugin directory; need not exist
     */
    public DirectoryPluginSource(Path dir) {
        this.dir = requireNonNull(dir, "dir");
    }

    @Override
    public List<PluginUnit> units() {
        if (!Files.isDirectory(dir)) {
            warnOnce("plugin directory " + dir.toAbsolutePath() + " does not exist, no plugins loaded");
            return List.of();
        }
        try {
            lastWarning = "";
            List<PluginUnit> units = new ArrayList<>();
            for (Path jar : jarsIn(dir)) {
                String fileName = jar.getFileName().toString();
                Path lib = dir.resolve(fileName.substring(0, fileName.length() - ".jar".length())).resolve("lib");
                units.add(new PluginUnit(jar, Files.isDirectory(lib) ? jarsIn(lib) : List.of()));
            }
            return List.copyOf(units);
        } catch (IOException e) {
            warnOnce("cannot list plugin directory " + dir.toAbsolutePath() + ", no plugins loaded: " + e);
            return List.of();
        }
    }

    private void warnOnce(String warning) {
        if (!warning.equals(lastWarning)) {
            lastWarning = warning;
            LOG.warn(warning);
        }
    }

    private static List<Path> jarsIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .filter(Files::isRegularFile)
                    .sorted(BY_FILE_NAME)
                    .toList();
        }
    }

    @Override
    public String toString() {
        return "DirectoryPluginSource[" + dir + "]";
    }
}
