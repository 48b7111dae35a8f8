package dev.schedulerx.common.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.CompletableFuture;

/**
 * One Prometheus registry with the JVM and process meters bound, owned by one server or daemon (never
 * Micrometer's global registry: several of them run in one test JVM). Shared by the server and the daemon so
 * both expose the same JVM metric names.
 */
public final class PrometheusRegistry implements AutoCloseable {
  /** Content type of {@link #scrape()}: the Prometheus text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final CompletableFuture<JvmGcMetrics> jvmMeters = new CompletableFuture<>();

  /**
   * The JVM and process meters read the platform MXBeans, whose set-up takes a moment, and the GC meter's
   * notifications cost every collection of it: they are bound on a thread of their own (a scrape waits for them).
   */
  public PrometheusRegistry() {
    Thread thread = new Thread(() -> {
      try {
        jvmMeters.complete(bindJvmMeters());
      } catch (RuntimeException | Error e) {
        jvmMeters.completeExceptionally(e);
      }
    }, "jvm-meters");
    thread.setDaemon(true);
    thread.start();
  }

  private JvmGcMetrics bindJvmMeters() {
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    return gc;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Every meter in the Prometheus text format. */
  public String scrape() {
    jvmMeters.join();
    return registry.scrape();
  }

  @Override
  public void close() {
    jvmMeters.join().close(); // unhooks its GC notification listeners
    registry.close();
  }
}
