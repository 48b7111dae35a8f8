package dev.schedulerx.worker.plugin;

import static java.util.Objects.requireNonNull;

import dev.schedulerx.api.JobProcessor;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Class loader of one plugin unit (see {@link PluginUnit}). Its parent is the platform class loader, so a
 * plugin sees the JDK and its own JARs but never the daemon's classpath. Where a class or resource comes
 * from depends on its package:
 *
 * <ol>
 *   <li>{@value #API_PACKAGE_PREFIX}: only from the daemon's loader (the one that loaded {@link JobProcessor}),
 *       so plugin and daemon share one {@code Class} per API type even if a plugin bundles a copy of the API;
 *   <li>{@value #SLF4J_PACKAGE_PREFIX}: from the daemon's loader first, then from the plugin. The SLF4J API is
 *       shared on purpose: a processor logging through SLF4J then reaches the daemon's logback appenders and
 *       log files, even when it bundles its own slf4j-api (or a logging backend, which stays unused). Classes
 *       under this prefix that the daemon lacks (bridges, say) still come from the plugin;
 *   <li>packages of the JDK's own modules ({@code java.*}, {@code javax.xml.*}, {@code org.w3c.dom}, ...):
 *       from the platform loader first, so an old {@code xml-apis} JAR in a plugin cannot shadow them;
 *   <li>everything else: child-first, from the plugin's JARs, falling back to the platform loader.
 * </ol>
 */
public final class PluginClassLoader extends URLClassLoader {
    /** Package prefix of plugin-api, whose classes and resources always come from the daemon. */
    public static final String API_PACKAGE_PREFIX = "dev.schedulerx.api.";

    /** Package prefix of the SLF4J API, taken from the daemon first (see the class comment). */
    public static final String SLF4J_PACKAGE_PREFIX = "org.slf4j.";

    /** Packages of JDK modules defined to the boot or platform loader. Immutable. */
    private static final Set<String> JDK_PACKAGES = jdkPackages();

    static {
        registerAsParallelCapable();
    }

    private final String pluginName;
    private final ClassLoader daemonLoader;

    /**
     * Creates a loader whose API classes come from the loader of {@link JobProcessor}.
     *
     * @param pluginName name of the plugin unit, shown in {@link #toString()}
     * @param urls the plugin's JARs, main JAR first
     */
    public PluginClassLoader(String pluginName, List<URL> urls) {
        this(pluginName, urls, JobProcessor.class.getClassLoader());
    }

    /**
     * Creates a loader whose API classes come from the given daemon loader.
     *
     * @param pluginName name of the plugin unit, shown in {@link #toString()}
     * @param urls the plugin's JARs, main JAR first
     * @param daemonLoader the loader plugin-api (and SLF4J) classes are taken from
     */
    public PluginClassLoader(String pluginName, List<URL> urls, ClassLoader daemonLoader) {
        super(requireNonNull(pluginName, "pluginName"), urls.toArray(URL[]::new), getPlatformClassLoader());
        this.pluginName = pluginName;
        this.daemonLoader = requireNonNull(daemonLoader, "daemonLoader");
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> type = findLoadedClass(name);
            if (type == null) {
                type = locateClass(name);
            }
            if (resolve) {
                resolveClass(type);
            }
            return type;
        }
    }

    private Class<?> locateClass(String name) throws ClassNotFoundException {
        switch (origin(packageOfClass(name))) {
            case DAEMON_ONLY:
                return daemonLoader.loadClass(name);
            case DAEMON_FIRST:
                try {
                    return daemonLoader.loadClass(name);
                } catch (ClassNotFoundException e) {
                    return findClass(name);
                }
            case PLATFORM_FIRST:
                return super.loadClass(name, false); // parent (platform) first, then this loader
            case PLUGIN_FIRST:
            default:
                try {
                    return findClass(name);
                } catch (ClassNotFoundException e) {
                    return getParent().loadClass(name);
                }
        }
    }

    @Override
    public URL getResource(String name) {
        URL url;
        switch (origin(packageOfResource(name))) {
            case DAEMON_ONLY:
                return daemonLoader.getResource(name);
            case DAEMON_FIRST:
                url = daemonLoader.getResource(name);
                return url != null ? url : findResource(name);
            case PLATFORM_FIRST:
                return super.getResource(name);
            case PLUGIN_FIRST:
            default:
                url = findResource(name);
                return url != null ? url : getParent().getResource(name);
        }
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        switch (origin(packageOfResource(name))) {
            case DAEMON_ONLY:
                return daemonLoader.getResources(name);
            case DAEMON_FIRST:
                return concat(daemonLoader.getResources(name), findResources(name));
            case PLATFORM_FIRST:
                return super.getResources(name);
            case PLUGIN_FIRST:
            default:
                return concat(findResources(name), getParent().getResources(name));
        }
    }

    /**
     * Returns the plugin name and identity, which helps when hunting class loader leaks.
     *
     * @return for example {@code PluginClassLoader[examples@1b6d3586]}
     */
    @Override
    public String toString() {
        return "PluginClassLoader[" + pluginName + "@" + Integer.toHexString(System.identityHashCode(this)) + "]";
    }

    private enum Origin {
        DAEMON_ONLY,
        DAEMON_FIRST,
        PLATFORM_FIRST,
        PLUGIN_FIRST
    }

    private static Origin origin(String packageName) {
        String prefixed = packageName + ".";
        if (prefixed.startsWith(API_PACKAGE_PREFIX)) {
            return Origin.DAEMON_ONLY;
        }
        if (prefixed.startsWith(SLF4J_PACKAGE_PREFIX)) {
            return Origin.DAEMON_FIRST;
        }
        if (JDK_PACKAGES.contains(packageName)) {
            return Origin.PLATFORM_FIRST;
        }
        return Origin.PLUGIN_FIRST;
    }

    private static String packageOfClass(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    private static String packageOfResource(String resourceName) {
        int slash = resourceName.lastIndexOf('/');
        return slash < 0 ? "" : resourceName.substring(0, slash).replace('/', '.');
    }

    private static Enumeration<URL> concat(Enumeration<URL> first, Enumeration<URL> second) {
        List<URL> all = new ArrayList<>(Collections.list(first));
        all.addAll(Collections.list(second));
        return Collections.enumeration(all);
    }

    private static Set<String> jdkPackages() {
        ClassLoader platform = getPlatformClassLoader();
        return ModuleLayer.boot().modules().stream()
                .filter(module -> module.getClassLoader() == null || module.getClassLoader() == platform)
                .map(Module::getDescriptor)
                .map(ModuleDescriptor::packages)
                .flatMap(Set::stream)
                .collect(Collectors.toUnmodifiableSet());
    }
}
