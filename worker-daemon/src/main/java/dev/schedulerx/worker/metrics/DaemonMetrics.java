package dev.schedulerx.worker.metrics;

import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.common.metrics.PrometheusRegistry;
import dev.schedulerx.worker.container.ContainerPool;
import dev.schedulerx.worker.container.TaskObserver;
import dev.schedulerx.worker.link.LinkHealth;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One daemon's meters, exposed on its {@code /metrics}: tasks running and finished per job, the container
 * queue depth, dispatch latency, heartbeat age, instances supervised, and the JVM. Its own registry, never
 * Micrometer's global one: several daemons run in one test JVM.
 */
public final class DaemonMetrics implements TaskObserver, AutoCloseable {
  /**
   * Made once the daemon registered, on a thread of its own, or by the first scrape if that comes first: Micrometer's
   * set-up was a tenth of a worker's start on its main thread. Until then every meter is a plain counter here.
   */
  private final CompletableFuture<PrometheusRegistry> prometheus = new CompletableFuture<>();
  private final AtomicBoolean making = new AtomicBoolean();
  private final LinkHealth link;
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger supervised = new AtomicInteger();
  private final AtomicLong logUnstored = new AtomicLong();
  private final LongAdder resumes = new LongAdder();
  private final LongAdder resumedTasks = new LongAdder();
  private volatile ContainerPool pool;
  /** Per job name; meters are looked up once per job, not once per task. */
  private final ConcurrentMap<String, JobMeters> jobs = new ConcurrentHashMap<>();

  /**
   * Jobs whose meters are not registered yet. Registration takes the registry's lock and cost a visible part of a
   * job's first run on the processor threads (before its processor started); these meters only read counters, so
   * they are registered by the next scrape instead, which shows the same values.
   */
  private final java.util.Queue<JobMeters> unregistered = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** The meters of one job: plain counters, read by meters registered at the first scrape after it was seen. */
  private final class JobMeters {
    final AtomicInteger running = new AtomicInteger();
    final ConcurrentMap<TaskStatus, LongAdder> finished = new ConcurrentHashMap<>();
    // Count and sum only, read at scrape time: a Micrometer Timer (with its max, let alone a histogram)
    // costs 100-250 ns a record, too much on the path of a million tiny tasks; two adders cost ~10 ns.
    final LongAdder dispatched = new LongAdder();
    final LongAdder dispatchNanos = new LongAdder();
    final String job;
    /** Statuses whose counter is registered; touched by scrapes only (one at a time, see {@link #scrape}). */
    final java.util.Set<TaskStatus> registeredStatuses = java.util.EnumSet.noneOf(TaskStatus.class);

    JobMeters(String job) {
      this.job = job;
    }

    void register(MeterRegistry registry) {
      Gauge.builder("schedulerx.worker.tasks.running", running, AtomicInteger::get)
          .description("Tasks whose processor runs on this worker now")
          .tag("job", job)
          .register(registry);
      FunctionTimer.builder("schedulerx.worker.dispatch.latency", this,
              m -> m.dispatched.sum(), m -> m.dispatchNanos.sum(), TimeUnit.NANOSECONDS)
          .description("From a task reaching this worker to its processor starting")
          .tag("job", job)
          .register(registry);
    }

    /** Registers the counters of statuses seen since the last scrape. */
    void registerFinished(MeterRegistry registry) {
      finished.forEach((status, count) -> {
        if (registeredStatuses.add(status)) {
          FunctionCounter.builder("schedulerx.worker.tasks.finished", count, LongAdder::doubleValue)
              .description("Tasks that ended on this worker, by final status")
              .tags("job", job, "status", status.name())
              .register(registry);
        }
      });
    }

    LongAdder finished(TaskStatus status) {
      LongAdder counter = finished.get(status);
      return counter != null ? counter : finished.computeIfAbsent(status, s -> new LongAdder());
    }
  }

  /** @param registryWhen when to make the Prometheus registry: it is not worth a moment of the start */
  public DaemonMetrics(LinkHealth link, CompletionStage<?> registryWhen) {
    this.link = link;
    registryWhen.whenComplete((done, failed) -> {
      if (making.compareAndSet(false, true)) {
        Thread thread = new Thread(this::makeRegistry, "metrics-registry");
        thread.setDaemon(true);
        thread.start();
      }
    });
  }

  private void makeRegistry() {
    try {
      PrometheusRegistry made = new PrometheusRegistry();
      MeterRegistry registry = made.registry();
      FunctionCounter.builder("schedulerx.worker.master.resumes", resumes, LongAdder::doubleValue)
          .description("Instances this worker took over as master after their master was lost").register(registry);
      FunctionCounter.builder("schedulerx.worker.master.resumed.tasks", resumedTasks, LongAdder::doubleValue)
          .description("Unfinished sub-tasks (waiting, or in flight when the master was lost) run under a resumed master")
          .register(registry);
      Gauge.builder("schedulerx.worker.master.log.unstored", logUnstored, AtomicLong::get)
          .description("Bytes of master operation logs sent here but not stored by the server yet")
          .baseUnit("bytes").register(registry);
      Gauge.builder("schedulerx.worker.heartbeat.age", link, l -> l.heartbeatAgeSeconds().orElse(Double.NaN))
          .description("Seconds since the server last acknowledged a heartbeat (NaN before the first)")
          .baseUnit("seconds")
          .register(registry);
      Gauge.builder("schedulerx.worker.instances.supervised", supervised, AtomicInteger::get)
          .description("Job instances this worker is master of right now")
          .register(registry);
      Gauge.builder("schedulerx.worker.container.queue.depth", this, m -> m.queued.get() + (m.pool == null ? 0 : m.pool.waiting()))
          .description("Tasks on this worker waiting for a processor thread")
          .register(registry);
      prometheus.complete(made);
    } catch (RuntimeException | Error e) {
      prometheus.completeExceptionally(e);
    }
  }

  /** Counts the pool's waiting work in the container queue depth, beside the tasks waiting in the runner's queues. */
  public void watch(ContainerPool pool) {
    this.pool = pool;
  }

  public LinkHealth link() {
    return link;
  }

  /** The number of instances this worker masters went up or down by one. */
  public void supervised(int delta) {
    supervised.addAndGet(delta);
  }

  private JobMeters job(String job) {
    JobMeters meters = jobs.get(job);
    return meters != null ? meters : jobs.computeIfAbsent(job, name -> {
      JobMeters created = new JobMeters(name);
      unregistered.add(created);
      return created;
    });
  }

  @Override
  public void started(String job, long waitedNanos) {
    JobMeters meters = job(job);
    meters.running.incrementAndGet();
    meters.dispatched.increment();
    meters.dispatchNanos.add(Math.max(0, waitedNanos));
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
  public void masterResumed(long unfinished) {
    resumes.increment();
    resumedTasks.add(unfinished);
  }

  @Override
  public void masterLogUnstored(long delta) {
    logUnstored.addAndGet(delta);
  }

  @Override
  public void queued(int delta) {
    queued.addAndGet(delta);
  }

  /** Every meter in the Prometheus text format. */
  public synchronized String scrape() {
    if (making.compareAndSet(false, true)) {
      makeRegistry();
    }
    PrometheusRegistry made = prometheus.join();
    MeterRegistry registry = made.registry();
    for (JobMeters m; (m = unregistered.poll()) != null; ) {
      m.register(registry);
    }
    jobs.values().forEach(m -> m.registerFinished(registry));
    return made.scrape();
  }

  @Override
  public void close() {
    if (making.get()) {
      PrometheusRegistry made = prometheus.exceptionally(failed -> null).join();
      if (made != null) {
        made.close();
      }
    }
  }
}
