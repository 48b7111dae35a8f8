package dev.schedulerx.worker.plugin;

import static java.util.Objects.requireNonNull;

import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One plugin: a main JAR plus the libraries it needs, loaded together by one {@link PluginClassLoader}.
 *
 * <p>On disk (see {@link DirectoryPluginSource}) a unit is {@code plugins/<name>.jar} plus, if that directory
 * exists, every JAR in {@code plugins/<name>/lib/}. Processors are looked up in all of the unit's JARs.
 *
 * @param jar the main JAR; problems are reported against it
 * @param libraries further JARs on the unit's class path, in class path order
 */
public record PluginUnit(Path jar, List<Path> libraries) {

    /**
     * Creates a unit.
     *
     * @param jar the main JAR
     * @param libraries further JARs, copied
     */
    public PluginUnit {
        requireNonNull(jar, "jar");
        libraries = List.copyOf(requireNonNull(libraries, "libraries"));
    }

    /**
     * Creates a unit without libraries.
     *
     * @param jar the main JAR
     * @return a unit of one JAR
     */
    public static PluginUnit of(Path jar) {
        return new PluginUnit(jar, List.of());
    }

    /**
     * Returns the plugin name: the main JAR's file name without {@code .jar}.
     *
     * @return the plugin name
     */
    public String name() {
        String fileName = fileName();
        return fileName.endsWith(".jar") ? fileName.substring(0, fileName.length() - ".jar".length()) : fileName;
    }

    /**
     * Returns the main JAR's file name, as used in log lines.
     *
     * @return for example {@code examples.jar}
     */
    public String fileName() {
        return jar.getFileName().toString();
    }

    /**
     * Returns every JAR of the unit: the main JAR first, then the libraries.
     *
     * @return the class path of the unit
     */
    public List<Path> classPath() {
        List<Path> all = new ArrayList<>(1 + libraries.size());
        all.add(jar);
        all.addAll(libraries);
        return List.copyOf(all);
    }

    List<URL> urls() {
        List<URL> urls = new ArrayList<>();
        for (Path path : classPath()) {
            try {
                urls.add(path.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new UncheckedIOException(e);
            }
        }
        return urls;
    }
}
