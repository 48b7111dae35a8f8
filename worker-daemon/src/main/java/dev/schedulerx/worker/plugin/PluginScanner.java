package dev.schedulerx.worker.plugin;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@link PluginRegistry#rescan()} every interval on its own thread, so JARs added to, replaced in or
 * removed from {@code plugins/} take effect without a restart. A scan that fails is logged and the next one
 * runs as usual. Loading runs plugin constructors, which is why this is a thread of its own and never an
 * actor dispatcher.
 */
public final class PluginScanner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginScanner.class);

    private final ScheduledExecutorService executor;

    private PluginScanner(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /**
     * Starts scanning; the first scan runs one interval from now.
     *
     * @param registry a loaded registry
     * @param interval time between the end of one scan and the start of the next; must be positive
     * @return the running scanner; close it before the registry
     */
    public static PluginScanner start(PluginRegistry registry, Duration interval) {
        requireNonNull(registry, "registry");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("scan interval must be positive: " + interval);
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sx-plugin-scan");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(() -> scanOnce(registry), millis, millis, TimeUnit.MILLISECONDS);
        LOG.debug("watching plugins for changes every {} ms", millis);
        return new PluginScanner(executor);
    }

    private static void scanOnce(PluginRegistry registry) {
        try {
            registry.rescan();
        } catch (Throwable t) {
            Failures.rethrowIfFatal(t);
            LOG.warn("plugin scan failed, trying again at the next one: {}", Failures.describeWithType(t));
        }
    }

    /** Stops scanning and waits for a scan in progress to end. Closing twice does nothing. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("plugin scan still running after 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
