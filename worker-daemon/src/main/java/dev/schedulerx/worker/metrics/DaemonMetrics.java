package dev.schedulerx.worker.metrics;

import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.server.metrics.PrometheusRegistry;
import dev.schedulerx.worker.container.ContainerPool;
import dev.schedulerx.worker.container.TaskObserver;
import dev.schedulerx.worker.link.LinkHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One daemon's meters, exposed on its {@code /metrics}: tasks running and finished per job, the container
 * queue depth, dispatch latency, heartbeat age, instances supervised, and the JVM. Its own registry, never
 * Micrometer's global one: several daemons run in one test JVM.
 */
public final class DaemonMetrics implements TaskObserver, AutoCloseable {
  private final PrometheusRegistry prometheus = new PrometheusRegistry();
  private final MeterRegistry registry = prometheus.registry();
  private final LinkHealth link;
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger supervised = new AtomicInteger();
  /** Per job name; meters are looked up once per job, not once per task. */
  private final ConcurrentMap<String, JobMeters> jobs = new ConcurrentHashMap<>();

  /** The meters of one job. */
  private final class JobMeters {
    final AtomicInteger running = new AtomicInteger();
    final ConcurrentMap<TaskStatus, Counter> finished = new ConcurrentHashMap<>();
    final Timer dispatchLatency;
    final String job;

    JobMeters(String job) {
      this.job = job;
      Gauge.builder("schedulerx.worker.tasks.running", running, AtomicInteger::get)
          .description("Tasks whose processor runs on this worker now")
          .tag("job", job)
          .register(registry);
      dispatchLatency =
          Timer.builder("schedulerx.worker.dispatch.latency")
              .description("From a task reaching this worker to its processor starting")
              .tag("job", job)
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofNanos(100_000))
              .maximumExpectedValue(Duration.ofSeconds(30))
              .register(registry);
    }

    Counter finished(TaskStatus status) {
      return finished.computeIfAbsent(status, s ->
          Counter.builder("schedulerx.worker.tasks.finished")
              .description("Tasks that ended on this worker, by final status")
              .tags("job", job, "status", s.name())
              .register(registry));
    }
  }

  public DaemonMetrics(LinkHealth link) {
    this.link = link;
    Gauge.builder("schedulerx.worker.heartbeat.age", link, l -> l.heartbeatAgeSeconds().orElse(Double.NaN))
        .description("Seconds since the server last acknowledged a heartbeat (NaN before the first)")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("schedulerx.worker.instances.supervised", supervised, AtomicInteger::get)
        .description("Job instances this worker is master of right now")
        .register(registry);
  }

  /** Adds the container queue depth: tasks waiting in the runner's queues plus work waiting for a pool thread. */
  public void watch(ContainerPool pool) {
    Gauge.builder("schedulerx.worker.container.queue.depth", () -> queued.get() + pool.waiting())
        .description("Tasks on this worker waiting for a processor thread")
        .register(registry);
  }

  public LinkHealth link() {
    return link;
  }

  /** The number of instances this worker masters went up or down by one. */
  public void supervised(int delta) {
    supervised.addAndGet(delta);
  }

  private JobMeters job(String job) {
    return jobs.computeIfAbsent(job, JobMeters::new);
  }

  @Override
  public void started(String job, long waitedNanos) {
    JobMeters meters = job(job);
    meters.running.incrementAndGet();
    meters.dispatchLatency.record(Math.max(0, waitedNanos), TimeUnit.NANOSECONDS);
  }

  @Override
  public void stopped(String job) {
    job(job).running.decrementAndGet();
  }

  @Override
  public void finished(String job, TaskStatus status) {
    job(job).finished(status).increment();
  }

  @Override
  public void queued(int delta) {
    queued.addAndGet(delta);
  }

  /** Every meter in the Prometheus text format. */
  public String scrape() {
    return prometheus.scrape();
  }

  @Override
  public void close() {
    prometheus.close();
  }
}
