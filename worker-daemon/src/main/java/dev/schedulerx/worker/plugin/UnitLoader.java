package dev.schedulerx.worker.plugin;

import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.worker.plugin.PluginReport.Problem;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one plugin unit: checks its JARs, gives it a class loader of its own and registers the processors its
 * service file lists, recording each thing that goes wrong as a {@link Problem} instead of failing. The
 * {@link PluginRegistry} decides when a unit is loaded, replaced or dropped.
 */
final class UnitLoader {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);
    private static final String SERVICE_FILE = "META-INF/services/" + JobProcessor.class.getName();
    /** Guards against a service iterator that keeps failing on the same entry. */
    private static final int MAX_ERRORS_PER_UNIT = 100;

    private UnitLoader() {}

    /** What one unit contributed; loader is null when the unit contributed no processor. */
    record Result(List<LoadedProcessor> processors, List<Problem> problems, PluginClassLoader loader) {}

    static Result load(PluginUnit unit, Map<String, LoadedProcessor> byName) {
        List<Problem> problems = new ArrayList<>();
        for (Path jar : unit.classPath()) {
            String invalid = checkJar(jar);
            if (invalid != null) {
                String reason = jar.equals(unit.jar()) ? invalid : "library " + jar.getFileName() + " " + invalid;
                problems.add(problem(unit, reason, null));
                return new Result(List.of(), problems, null);
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
            return new Result(List.of(), problems, null);
        }
        return new Result(processors, problems, loader);
    }

    private static void register(
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

    static void closeQuietly(PluginClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.warn("cannot close {}: {}", loader, e.toString());
        }
    }
}
