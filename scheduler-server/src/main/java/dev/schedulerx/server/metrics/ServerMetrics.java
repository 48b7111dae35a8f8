package dev.schedulerx.server.metrics;

import dev.schedulerx.common.metrics.PrometheusRegistry;
import dev.schedulerx.server.dispatch.InstanceEvents;
import dev.schedulerx.server.registry.WorkerInfo;
import dev.schedulerx.server.registry.WorkerRegistry;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.JobRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BooleanSupplier;

/**
 * The server's meters, exposed on {@code /metrics}: instances started and finished per job, the trigger
 * delay, live workers per group, each worker's heartbeat age, leadership, and the JVM. Fed by {@link
 * InstanceEvents} (counters) and read from the worker registry at scrape time (gauges).
 */
public final class ServerMetrics implements InstanceEvents, AutoCloseable {
  /** Histogram buckets of the trigger delay: a dozen per job rather than Micrometer's ~70 default ones. */
  private static final Duration[] TRIGGER_DELAY_BUCKETS = {
    Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
    Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
    Duration.ofMinutes(1)
  };

  private final PrometheusRegistry prometheus = new PrometheusRegistry();
  private final MeterRegistry registry = prometheus.registry();
  private final WorkerRegistry workers;
  private final JobRepository jobs;
  private final Clock clock;
  private final MultiGauge heartbeatAge;
  /** Tags of each job seen, so a finish (which carries only the job id) costs no query after the first. */
  private final ConcurrentMap<Long, Tags> jobTags = new ConcurrentHashMap<>();
  private final ConcurrentMap<Long, JobMeters> jobMeters = new ConcurrentHashMap<>();
  private final ConcurrentMap<Finished, Counter> finished = new ConcurrentHashMap<>();
  /**
   * Registers a job's meters at its first start or end. Registering takes the registry's lock (and the tags of a
   * finish a query): on the store threads, a fan-out of hundreds of new jobs queued its stores behind it.
   */
  private final java.util.concurrent.ExecutorService registrar = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "sx-server-meters");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param groups the app groups this server serves (one workers gauge each)
   * @param leader whether this node holds the leader lease
   */
  public ServerMetrics(Collection<String> groups, WorkerRegistry workers, JobRepository jobs, BooleanSupplier leader, Clock clock) {
    this.workers = workers;
    this.jobs = jobs;
    this.clock = clock;
    for (String group : groups) {
      Gauge.builder("schedulerx.server.workers", workers, w -> w.workers(group).size())
          .description("Live workers of the group (heartbeat within the worker timeout)")
          .tag("group", group)
          .register(registry);
    }
    Gauge.builder("schedulerx.server.leader", () -> leader.getAsBoolean() ? 1 : 0)
        .description("1 while this node holds the leader lease (and so schedules), else 0")
        .register(registry);
    heartbeatAge =
        MultiGauge.builder("schedulerx.server.worker.heartbeat.age")
            .description("Seconds since the worker's last heartbeat")
            .baseUnit("seconds")
            .register(registry);
  }

  @Override
  public void started(JobDefinition job, JobInstance instance, Instant acceptedAt) {
    JobMeters meters = jobMeters.get(job.id());
    if (meters != null) {
      recordStart(meters, instance, acceptedAt);
    } else {
      // A job's first run: its meters are registered on the registrar thread (see there), which records this start.
      registrar.execute(() -> recordStart(
          jobMeters.computeIfAbsent(job.id(), id -> new JobMeters(jobTags.computeIfAbsent(id, i -> tagsOf(job)))),
          instance, acceptedAt));
    }
  }

  private static void recordStart(JobMeters meters, JobInstance instance, Instant acceptedAt) {
    meters.started().increment();
    if (instance.triggerType().isOnTime()) { // retries and back-fills keep their slot's past schedule time
      Duration delay = Duration.between(instance.scheduleTime(), acceptedAt);
      meters.triggerDelay().record(delay.isNegative() ? Duration.ZERO : delay);
    }
  }

  @Override
  public void finished(long jobId, InstanceState state) {
    Finished key = new Finished(jobId, state);
    Counter counter = finished.get(key);
    if (counter != null) {
      counter.increment();
      return;
    }
    registrar.execute(() -> finished
        .computeIfAbsent(key, f ->
            Counter.builder("schedulerx.server.instances.finished")
                .description("Instances that ended, by final status")
                .tags(jobTags.computeIfAbsent(jobId, this::lookUpTags).and("status", state.name()))
                .register(registry))
        .increment());
  }

  /** A job's meters of starts, registered once (a registration per event was a visible part of each run). */
  private final class JobMeters {
    private final Counter started;
    private final Timer triggerDelay;

    JobMeters(Tags tags) {
      started = Counter.builder("schedulerx.server.instances.started")
          .description("Instances accepted by a master worker")
          .tags(tags)
          .register(registry);
      triggerDelay = Timer.builder("schedulerx.server.trigger.delay")
          .description("From an instance's schedule time to its acceptance by a master worker")
          .tags(tags)
          .serviceLevelObjectives(TRIGGER_DELAY_BUCKETS)
          .register(registry);
    }

    Counter started() {
      return started;
    }

    Timer triggerDelay() {
      return triggerDelay;
    }
  }

  private record Finished(long jobId, InstanceState state) {}

  private Tags lookUpTags(long jobId) {
    // On the store thread that just recorded the finish; once per job.
    return jobs.findById(jobId).map(ServerMetrics::tagsOf).orElse(Tags.of("group", "", "job", "#" + jobId));
  }

  private static Tags tagsOf(JobDefinition job) {
    return Tags.of("group", job.groupId(), "job", job.name());
  }

  /** Every meter in the Prometheus text format, heartbeat ages as of now. */
  /** The registry, for the meters of other parts of the server (alerting). */
  public MeterRegistry meterRegistry() {
    return registry;
  }

  public String scrape() {
    awaitRegistrar();
    Instant now = clock.instant();
    List<MultiGauge.Row<?>> rows =
        workers.all().stream()
            .map(w -> MultiGauge.Row.of(Tags.of("group", w.groupId(), "worker", w.workerId()), ageSeconds(w, now)))
            .<MultiGauge.Row<?>>map(r -> r)
            .toList();
    heartbeatAge.register(rows, true); // workers that left disappear from the output
    return prometheus.scrape();
  }

  /** Lets the registrar finish what it was given, so a scrape shows every start and end recorded before it. */
  private void awaitRegistrar() {
    try {
      registrar.submit(() -> {}).get(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
        | java.util.concurrent.RejectedExecutionException e) {
      // a scrape a little behind is better than none
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static double ageSeconds(WorkerInfo worker, Instant now) {
    return Math.max(0, Duration.between(worker.lastHeartbeat(), now).toMillis() / 1000.0);
  }

  @Override
  public void close() {
    registrar.shutdownNow();
    prometheus.close();
  }
}
