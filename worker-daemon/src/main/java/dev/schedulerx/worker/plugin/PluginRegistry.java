package dev.schedulerx.worker.plugin;

import static java.util.Objects.requireNonNull;

import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.worker.plugin.PluginReport.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the processors of every plugin unit of a {@link PluginSource}, finds them by name, and keeps them in
 * step with the source while the daemon runs ({@link #rescan()}).
 *
 * <p>Each unit gets its own {@link PluginClassLoader}; {@link ServiceLoader} finds the
 * {@link JobProcessor} implementations listed in the unit's {@code META-INF/services/dev.schedulerx.api.JobProcessor},
 * with the thread context class loader set to the plugin's loader. Each processor is registered under its
 * {@link JobProcessor#name()} and its fully qualified class name. Processors the source offers as ready
 * instances ({@link PluginSource#processorInstances()}) are registered first, under their own class loader.
 *
 * <p>A broken plugin never stops the daemon: a JAR that is not a valid JAR, a JAR without processors, a
 * service entry naming a missing class, a constructor that throws, and a processor name already taken by an
 * earlier unit (units load in source order, the first wins) are each recorded as a {@link Problem} in the
 * {@link PluginReport}, logged at WARN, and the other plugins still load.
 *
 * <p><b>Hot reload.</b> {@link #rescan()} compares each unit's files (size, modification time, file key) with
 * what is loaded. A change is acted on only once the files look the same in two scans in a row, so a JAR
 * still being copied is not read half-written. A new unit is loaded; a changed unit is loaded again in a new
 * class loader and replaces the old one; a removed unit's processors disappear. A changed or removed unit is
 * only touched while no {@link Lease} holds one of its processors: running instances keep the version they
 * started with, and the old class loader is closed once they are done. A broken new version is reported
 * once and the loaded version stays in service. Every load, reload and unload logs one INFO line naming
 * the processors.
 *
 * <p>{@link #load()} runs once; {@link #find(String)}, {@link #acquire(String)} and the other accessors are
 * thread-safe afterwards; scans run one at a time.
 * {@link #close()} closes every plugin class loader.
 */
public final class PluginRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

    private final PluginSource source;
    /** The daemon's own processors (script and HTTP jobs), found by name before any plugin's. */
    private final Map<String, LoadedProcessor> builtIns;
    private final Object lock = new Object();
    /** One scan at a time; scans may take long (they run plugin constructors), so not under {@link #lock}. */
    private final Object scanLock = new Object();
    /** Ready-made processors of the source, registered first; replaced when the source offers others. */
    private List<LoadedProcessor> fixed = List.of(); // guarded by lock
    private List<JobProcessor> fixedInstances = List.of(); // guarded by lock
    /** Loaded version of each unit, by main JAR, in load order. */
    private final Map<Path, Generation> generations = new LinkedHashMap<>(); // guarded by lock
    /** Problems of the last load attempt of each unit, by main JAR. */
    private final Map<Path, List<Problem>> problemsByJar = new LinkedHashMap<>(); // guarded by lock
    /** File signatures of every unit the previous scan saw (debounce). Guarded by scanLock, as the next two. */
    private Map<Path, FileSignature> previousScan = Map.of();
    /** Versions that failed to load, so each is reported once. */
    private final Map<Path, FileSignature> rejected = new HashMap<>();
    /** Changes already announced as waiting for running instances. */
    private final Map<Path, FileSignature> announcedWaits = new HashMap<>();
    private volatile Loaded loaded; // null until load(); immutable once set
    private volatile boolean closed;

    /** What the registry offers right now, published at once. */
    private record Loaded(Map<String, LoadedProcessor> byName, Map<ClassLoader, Generation> byLoader, PluginReport report) {}

    /** One loaded version of one unit. */
    private static final class Generation {
        final PluginUnit unit;
        final FileSignature signature;
        final PluginClassLoader loader;
        final List<LoadedProcessor> processors;
        /** Instances (and tasks) holding one of its processors; the version is swapped only at zero. */
        final AtomicInteger leases = new AtomicInteger();

        Generation(PluginUnit unit, FileSignature signature, PluginClassLoader loader, List<LoadedProcessor> processors) {
            this.unit = unit;
            this.signature = signature;
            this.loader = loader;
            this.processors = List.copyOf(processors);
        }

        String names() {
            return String.join(", ", processors.stream().map(LoadedProcessor::name).toList());
        }
    }

    /**
     * A processor held by a running instance or task: while any lease on a plugin's processors is open, the
     * plugin is neither reloaded nor unloaded. Close it when the instance or task ends; closing twice does
     * nothing.
     */
    public static final class Lease implements AutoCloseable {
        private static final Lease NONE = new Lease(null, null);
        private final LoadedProcessor processor;
        private final AtomicInteger counter;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Lease(LoadedProcessor processor, AtomicInteger counter) {
            this.processor = processor;
            this.counter = counter;
        }

        /**
         * Returns the leased processor.
         *
         * @return the processor, or empty when none had the name asked for
         */
        public Optional<LoadedProcessor> processor() {
            return Optional.ofNullable(processor);
        }

        @Override
        public void close() {
            if (counter != null && open.compareAndSet(true, false)) {
                counter.decrementAndGet();
            }
        }
    }

    /**
     * Creates a registry; nothing is loaded until {@link #load()}.
     *
     * @param source where the plugin units come from
     */
    public PluginRegistry(PluginSource source) {
        this(source, Map.of());
    }

    /**
     * Creates a registry that also finds the daemon's built-in processors; they are not listed among the
     * plugins' processors and never reloaded.
     *
     * @param source where the plugin units come from
     * @param builtIns processors by name (names no plugin can use)
     */
    public PluginRegistry(PluginSource source, Map<String, LoadedProcessor> builtIns) {
        this.source = requireNonNull(source, "source");
        this.builtIns = Map.copyOf(builtIns);
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
            fixedInstances = source.processorInstances();
            fixed = registerInstances(fixedInstances, byName);
            List<PluginUnit> units = source.units();
            Map<Path, FileSignature> seen = new HashMap<>();
            for (PluginUnit unit : units) {
                FileSignature signature = FileSignature.of(unit);
                seen.put(unit.jar(), signature);
                UnitLoader.Result result = UnitLoader.load(unit, byName);
                problemsByJar.put(unit.jar(), result.problems());
                if (result.loader() != null) {
                    logLoaded(unit, result.processors());
                    generations.put(unit.jar(), new Generation(unit, signature, result.loader(), result.processors()));
                } else {
                    rejected.put(unit.jar(), signature);
                }
            }
            previousScan = Map.copyOf(seen);
            publish();
            PluginReport report = loaded.report();
            LOG.info("{} processor(s) loaded from {} plugin(s), {} problem(s)",
                    report.processors().size(), generations.size(), report.problems().size());
            return report;
        }
    }

    /**
     * Brings the registry in line with the source: loads new units, reloads changed ones and unloads removed
     * ones (see the class comment). Units whose files changed since the previous scan are left for the next
     * one. Problems are logged, never thrown.
     *
     * @return the report after this scan
     * @throws IllegalStateException before {@link #load()}
     */
    public PluginReport rescan() {
        synchronized (scanLock) {
            return rescanNow();
        }
    }

    private PluginReport rescanNow() {
        if (loaded == null) {
            throw new IllegalStateException("plugins are not loaded yet");
        }
        if (closed) {
            return loaded.report();
        }
        boolean changed = syncInstances();
        List<PluginUnit> units = source.units();
        Map<Path, FileSignature> now = new HashMap<>();
        for (PluginUnit unit : units) {
            now.put(unit.jar(), FileSignature.of(unit));
        }
        Map<Path, FileSignature> before = previousScan;
        previousScan = Map.copyOf(now);
        rejected.keySet().retainAll(now.keySet());
        announcedWaits.keySet().retainAll(now.keySet());
        for (PluginUnit unit : units) {
            FileSignature signature = now.get(unit.jar());
            if (!signature.equals(before.get(unit.jar()))) {
                continue; // still changing, or just appeared: look again next scan
            }
            Generation current = currentGeneration(unit.jar());
            if (current != null && current.signature.equals(signature)) {
                continue;
            }
            if (signature.equals(rejected.get(unit.jar()))) {
                continue;
            }
            changed |= current == null ? add(unit, signature) : replace(current, unit, signature);
        }
        List<Generation> gone;
        synchronized (lock) {
            gone = generations.values().stream()
                    .filter(g -> !now.containsKey(g.unit.jar()) && !before.containsKey(g.unit.jar()))
                    .toList();
            changed |= problemsByJar.keySet().removeIf(jar -> !now.containsKey(jar) && !generations.containsKey(jar));
        }
        for (Generation generation : gone) {
            changed |= remove(generation);
        }
        if (changed) {
            synchronized (lock) {
                publish();
            }
        }
        return loaded.report();
    }

    private Generation currentGeneration(Path jar) {
        synchronized (lock) {
            return generations.get(jar);
        }
    }

    private boolean add(PluginUnit unit, FileSignature signature) {
        Map<String, LoadedProcessor> taken;
        synchronized (lock) {
            if (closed) {
                return false;
            }
            taken = new LinkedHashMap<>(loaded.byName());
        }
        UnitLoader.Result result = UnitLoader.load(unit, taken);
        synchronized (lock) {
            problemsByJar.put(unit.jar(), result.problems());
            if (result.loader() == null) {
                rejected.put(unit.jar(), signature);
                return true;
            }
            if (closed) {
                UnitLoader.closeQuietly(result.loader());
                return false;
            }
            generations.put(unit.jar(), new Generation(unit, signature, result.loader(), result.processors()));
        }
        logLoaded(unit, result.processors());
        return true;
    }

    private static void logLoaded(PluginUnit unit, List<LoadedProcessor> processors) {
        LOG.info("loaded plugin {}: {}", unit.fileName(),
                String.join(", ", processors.stream().map(LoadedProcessor::name).toList()));
    }

    private boolean replace(Generation old, PluginUnit unit, FileSignature signature) {
        if (old.leases.get() > 0) {
            announceWait(old, signature, "reload");
            return false;
        }
        Map<String, LoadedProcessor> taken;
        synchronized (lock) {
            taken = new LinkedHashMap<>(loaded.byName());
            taken.values().removeIf(p -> p.classLoader() == old.loader);
        }
        UnitLoader.Result result = UnitLoader.load(unit, taken);
        if (result.loader() == null) {
            rejected.put(unit.jar(), signature);
            synchronized (lock) {
                problemsByJar.put(unit.jar(), result.problems());
                publish();
            }
            LOG.warn("plugin {}: the new version was not loaded, the loaded one stays in service ({})",
                    unit.fileName(), old.names());
            return false;
        }
        synchronized (lock) {
            // A lease taken since the check above pins the old version: try again next scan.
            if (closed || old.leases.get() > 0 || generations.get(unit.jar()) != old) {
                UnitLoader.closeQuietly(result.loader());
                return false;
            }
            generations.put(unit.jar(), new Generation(unit, signature, result.loader(), result.processors()));
            problemsByJar.put(unit.jar(), result.problems());
            announcedWaits.remove(unit.jar());
            publish();
            UnitLoader.closeQuietly(old.loader);
        }
        LOG.info("reloaded plugin {}: {} (was: {})", unit.fileName(),
                String.join(", ", result.processors().stream().map(LoadedProcessor::name).toList()), old.names());
        return true;
    }

    private boolean remove(Generation old) {
        synchronized (lock) {
            if (closed || old.leases.get() > 0) {
                if (!closed) {
                    announceWait(old, FileSignature.ABSENT, "unload");
                }
                return false;
            }
            generations.remove(old.unit.jar());
            problemsByJar.remove(old.unit.jar());
            announcedWaits.remove(old.unit.jar());
            publish();
            UnitLoader.closeQuietly(old.loader);
        }
        LOG.info("unloaded plugin {}: {} (its JAR was removed)", old.unit.fileName(), old.names());
        return true;
    }

    private void announceWait(Generation old, FileSignature signature, String what) {
        if (!signature.equals(announcedWaits.put(old.unit.jar(), signature))) {
            LOG.info("plugin {} changed on disk: {} once its {} running instance(s) or task(s) finish",
                    old.unit.fileName(), what, old.leases.get());
        }
    }

    /** Rebuilds what find() sees from the fixed processors and the current generations. Holds lock. */
    private void publish() {
        Map<String, LoadedProcessor> byName = new LinkedHashMap<>();
        Map<ClassLoader, Generation> byLoader = new HashMap<>();
        List<LoadedProcessor> processors = new ArrayList<>(fixed);
        for (LoadedProcessor processor : fixed) {
            byName.putIfAbsent(processor.name(), processor);
            byName.putIfAbsent(processor.className(), processor);
        }
        for (Generation generation : generations.values()) {
            byLoader.put(generation.loader, generation);
            for (LoadedProcessor processor : generation.processors) {
                byName.putIfAbsent(processor.name(), processor);
                byName.putIfAbsent(processor.className(), processor);
                processors.add(processor);
            }
        }
        List<Problem> problems = new ArrayList<>();
        problemsByJar.values().forEach(problems::addAll);
        loaded = new Loaded(Map.copyOf(byName), Map.copyOf(byLoader), new PluginReport(processors, problems));
    }

    /** Takes the source's current processor instances when they are not the registered ones. */
    private boolean syncInstances() {
        List<JobProcessor> offered = source.processorInstances();
        synchronized (lock) {
            if (sameInstances(offered, fixedInstances)) {
                return false;
            }
            fixed = registerInstances(offered, new LinkedHashMap<>());
            fixedInstances = offered;
            return true;
        }
    }

    private static boolean sameInstances(List<JobProcessor> a, List<JobProcessor> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    private static List<LoadedProcessor> registerInstances(List<JobProcessor> instances, Map<String, LoadedProcessor> byName) {
        List<LoadedProcessor> registered = new ArrayList<>();
        for (JobProcessor processor : instances) {
            String className = processor.getClass().getName();
            String name = processor.name();
            if (byName.containsKey(name) || byName.containsKey(className)) {
                throw new IllegalArgumentException("two processors named " + name + " (" + className + ")");
            }
            ClassLoader classLoader = processor.getClass().getClassLoader();
            LoadedProcessor loadedProcessor =
                    new LoadedProcessor(name, className, processor, classLoader, codeLocation(processor.getClass()));
            byName.put(name, loadedProcessor);
            byName.put(className, loadedProcessor);
            registered.add(loadedProcessor);
        }
        return List.copyOf(registered);
    }

    /** Where a class was loaded from (a directory or JAR), shown where a plugin JAR would be. */
    private static Path codeLocation(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (RuntimeException | java.net.URISyntaxException e) {
            return Path.of(type.getName());
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
        LoadedProcessor builtIn = builtIns.get(nameOrClassName);
        return Optional.ofNullable(builtIn != null ? builtIn : state().byName().get(nameOrClassName));
    }

    /**
     * Finds a processor, like {@link #find(String)}, and keeps its plugin's current version until the lease
     * is closed: a changed or removed JAR is reloaded or unloaded only after every lease on it is closed.
     *
     * @param nameOrClassName what the job refers to
     * @return a lease, whose processor is empty if no plugin offers the name; close it when done
     * @throws IllegalStateException before {@link #load()} or after {@link #close()}
     */
    public Lease acquire(String nameOrClassName) {
        requireNonNull(nameOrClassName, "nameOrClassName");
        LoadedProcessor builtIn = builtIns.get(nameOrClassName);
        if (builtIn != null) {
            return new Lease(builtIn, null);
        }
        synchronized (lock) { // a swap holds the lock too, so it sees this lease or happens before the lookup
            Loaded current = state();
            LoadedProcessor processor = current.byName().get(nameOrClassName);
            if (processor == null) {
                return Lease.NONE;
            }
            Generation generation = current.byLoader().get(processor.classLoader());
            if (generation == null) {
                return new Lease(processor, null);
            }
            generation.leases.incrementAndGet();
            return new Lease(processor, generation.leases);
        }
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
     * Returns what is loaded now and the problems of the latest load of each JAR.
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
            for (Generation generation : generations.values()) {
                UnitLoader.closeQuietly(generation.loader);
            }
            generations.clear();
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
}
