package dev.schedulerx.worker.plugin;

import static java.util.Objects.requireNonNull;

import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.worker.plugin.PluginReport.Problem;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the processors of every plugin unit of a {@link PluginSource} and finds them by name.
 *
 * <p>Each unit gets its own {@link PluginClassLoader}; {@link ServiceLoader} finds the
 * {@link JobProcessor} implementations listed in the unit's {@code META-INF/services/dev.schedulerx.api.JobProcessor},
 * with the thread context class loader set to the plugin's loader. Each processor is registered under its
 * {@link JobProcessor#name()} and its fully qualified class name.
 *
 * <p>A broken plugin never stops the daemon: a JAR that is not a valid JAR, a JAR without processors, a
 * service entry naming a missing class, a constructor that throws, and a processor name already taken by an
 * earlier unit (units load in source order, the first wins) are each recorded as a {@link Problem} in the
 * {@link PluginReport}, logged at WARN, and the other plugins still load.
 *
 * <p>{@link #load()} runs once; {@link #find(String)} and the other accessors are thread-safe afterwards.
 * {@link #close()} closes every plugin class loader.
 */
public final class PluginRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);
    private static final String SERVICE_FILE = "META-INF/services/" + JobProcessor.class.getName();
    /** Guards against a service iterator that keeps failing on the same entry. */
    private static final int MAX_ERRORS_PER_UNIT = 100;

    private final PluginSource source;
    private final Object lock = new Object();
    private List<PluginClassLoader> loaders = List.of(); // guarded by lock
    private volatile Loaded loaded; // null until load(); immutable once set
    private volatile boolean closed;

    /** Everything load() produced, published at once. */
    private record Loaded(Map<String, LoadedProcessor> byName, PluginReport report) {}

    /**
     * Creates a registry; nothing is loaded until {@link #load()}.
     *
     * @param source where the plugin units come from
     */
    public PluginRegistry(PluginSource source) {
        this.source = requireNonNull(source, "source");
    }

    /**
     * Loads every unit of the source. Problems are reported, never thrown.
     *
     * @return what was loaded and what went wrong
     * @throws IllegalStateException if called twice or after {@link #close()}
     */
    public PluginReport load() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("plugin registry is closed");
            }
            if (loaded != null) {
                throw new IllegalStateException("plugins are already loaded");
            }
            Map<String, LoadedProcessor> byName = new LinkedHashMap<>();
            List<LoadedProcessor> processors = new ArrayList<>();
            List<Problem> problems = new ArrayList<>();
            List<PluginClassLoader> kept = new ArrayList<>();
            for (PluginUnit unit : source.units()) {
                UnitLoad result = loadUnit(unit, byName);
                problems.addAll(result.problems());
                processors.addAll(result.processors());
                if (result.loader() != null) {
                    kept.add(result.loader());
                }
            }
            loaders = List.copyOf(kept);
            PluginReport report = new PluginReport(processors, problems);
            loaded = new Loaded(Map.copyOf(byName), report);
            LOG.info("{} processor(s) loaded from {} plugin(s), {} problem(s)",
                    processors.size(), kept.size(), problems.size());
            return report;
        }
    }

    /**
     * Finds a processor by its short name or its fully qualified class name.
     *
     * @param nameOrClassName what the job refers to
     * @return the processor, or empty if no plugin offers it
     * @throws IllegalStateException before {@link #load()} or after {@link #close()}
     */
    public Optional<LoadedProcessor> find(String nameOrClassName) {
        requireNonNull(nameOrClassName, "nameOrClassName");
        return Optional.ofNullable(state().byName().get(nameOrClassName));
    }

    /**
     * Returns every loaded processor once, in load order.
     *
     * @return the processors
     * @throws IllegalStateException before {@link #load()} or after {@link #close()}
     */
    public List<LoadedProcessor> processors() {
        return state().report().processors();
    }

    /**
     * Returns the report of {@link #load()}.
     *
     * @return what was loaded and what went wrong
     * @throws IllegalStateException before {@link #load()}
     */
    public PluginReport report() {
        Loaded current = loaded;
        if (current == null) {
            throw new IllegalStateException("plugins are not loaded yet");
        }
        return current.report();
    }

    /**
     * Closes every plugin class loader. Processors already running keep working with the classes they have
     * loaded, but the registry cannot be used any more. Closing twice does nothing.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (PluginClassLoader loader : loaders) {
                closeQuietly(loader);
            }
            loaders = List.of();
        }
    }

    private Loaded state() {
        if (closed) {
            throw new IllegalStateException("plugin registry is closed");
        }
        Loaded current = loaded;
        if (current == null) {
            throw new IllegalStateException("plugins are not loaded yet");
        }
        return current;
    }

    /** What one unit contributed; loader is null when the unit contributed no processor. */
    private record UnitLoad(List<LoadedProcessor> processors, List<Problem> problems, PluginClassLoader loader) {}

    private UnitLoad loadUnit(PluginUnit unit, Map<String, LoadedProcessor> byName) {
        List<Problem> problems = new ArrayList<>();
        for (Path jar : unit.classPath()) {
            String invalid = checkJar(jar);
            if (invalid != null) {
                String reason = jar.equals(unit.jar()) ? invalid : "library " + jar.getFileName() + " " + invalid;
                problems.add(problem(unit, reason, null));
                return new UnitLoad(List.of(), problems, null);
            }
        }
        PluginClassLoader loader = new PluginClassLoader(unit.name(), unit.urls());
        LOG.debug("plugin {} class path: {}", unit.fileName(), unit.urls());
        List<LoadedProcessor> processors = new ArrayList<>();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            Iterator<JobProcessor> found = ServiceLoader.load(JobProcessor.class, loader).iterator();
            // ServiceLoader moves on to the next entry after an error; stop if it does not.
            int errors = 0;
            String lastReason = null;
            while (errors < MAX_ERRORS_PER_UNIT) {
                try {
                    if (!found.hasNext()) {
                        break;
                    }
                    register(unit, loader, found.next(), byName, processors, problems);
                } catch (Throwable t) {
                    Failures.rethrowIfFatal(t);
                    String reason = describeLoadFailure(t);
                    if (reason.equals(lastReason)) {
                        break;
                    }
                    errors++;
                    lastReason = reason;
                    problems.add(problem(unit, reason, t));
                }
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
        if (processors.isEmpty()) {
            if (problems.isEmpty()) {
                problems.add(problem(unit, "no processors found (no " + SERVICE_FILE + " entry)", null));
            }
            closeQuietly(loader);
            return new UnitLoad(List.of(), problems, null);
        }
        LOG.info("loaded plugin {}: {}", unit.fileName(),
                String.join(", ", processors.stream().map(LoadedProcessor::name).toList()));
        return new UnitLoad(processors, problems, loader);
    }

    private void register(
            PluginUnit unit,
            PluginClassLoader loader,
            JobProcessor processor,
            Map<String, LoadedProcessor> byName,
            List<LoadedProcessor> processors,
            List<Problem> problems) {
        String className = processor.getClass().getName();
        String name;
        try {
            name = processor.name();
        } catch (Throwable t) {
            Failures.rethrowIfFatal(t);
            problems.add(problem(unit, className + ".name() failed: " + Failures.describeWithType(t), t));
            return;
        }
        if (name == null || name.isBlank()) {
            problems.add(problem(unit, className + ".name() returned no name", null));
            return;
        }
        for (String key : List.of(name, className)) {
            LoadedProcessor taken = byName.get(key);
            if (taken != null) {
                problems.add(problem(unit, "processor " + name + " (" + className + ") skipped: the name " + key
                        + " is already taken by " + taken.className() + " from " + taken.jar().getFileName(), null));
                return;
            }
        }
        LoadedProcessor loadedProcessor = new LoadedProcessor(name, className, processor, loader, unit.jar());
        byName.put(name, loadedProcessor);
        byName.put(className, loadedProcessor);
        processors.add(loadedProcessor);
        LOG.debug("plugin {}: processor {} is {}", unit.fileName(), name, className);
    }

    /** Returns null for a readable JAR, else why it is not one. */
    private static String checkJar(Path jar) {
        try (JarFile ignored = new JarFile(jar.toFile())) {
            return null;
        } catch (NoSuchFileException e) {
            return "does not exist";
        } catch (ZipException e) {
            return "is not a valid JAR file (" + e.getMessage() + ")";
        } catch (IOException | RuntimeException e) {
            return "cannot be read (" + Failures.describeWithType(e) + ")";
        }
    }

    /**
     * One line for a ServiceLoader failure. ServiceConfigurationError messages start with the service type,
     * which says nothing here, and hide the real cause (a constructor's exception) in their cause.
     */
    private static String describeLoadFailure(Throwable t) {
        if (t instanceof ServiceConfigurationError) {
            String message = String.valueOf(t.getMessage());
            String servicePrefix = JobProcessor.class.getName() + ": ";
            if (message.startsWith(servicePrefix)) {
                message = message.substring(servicePrefix.length());
            }
            Throwable cause = t.getCause();
            return cause == null ? message : message + ": " + Failures.describeWithType(cause);
        }
        return "cannot load a processor: " + Failures.describeWithType(t);
    }

    private static Problem problem(PluginUnit unit, String reason, Throwable cause) {
        LOG.warn("plugin {}: {}", unit.fileName(), reason);
        if (cause != null) {
            LOG.debug("plugin {}: details of the problem above", unit.fileName(), cause);
        }
        return new Problem(unit.jar(), reason);
    }

    private static void closeQuietly(PluginClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.warn("cannot close {}: {}", loader, e.toString());
        }
    }
}
