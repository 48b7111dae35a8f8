package dev.schedulerx.server;

import dev.schedulerx.protocol.RemotingSettings;
import dev.schedulerx.server.dispatch.DuePass;
import dev.schedulerx.server.dispatch.InstanceLifecycle;
import dev.schedulerx.server.http.HttpApi;
import dev.schedulerx.server.registry.WorkerRegistry;
import dev.schedulerx.server.remote.GroupGuard;
import dev.schedulerx.server.remote.RemoteEndpoints;
import dev.schedulerx.server.remote.WorkerGateway;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.JdbcUrls;
import dev.schedulerx.server.store.JobRepository;
import dev.schedulerx.server.store.ServerDatabase;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.Await;

/**
 * The self-hosted SchedulerX-compatible scheduler server: database, remoting endpoints, HTTP and the
 * due-pass. Built with {@link #builder(ServerSettings)}; nothing is static, so several can run in one JVM.
 */
public final class SchedulerServer implements AutoCloseable {
  /** Printed by {@code bin/schedulerx-server --version}. */
  public static final String VERSION = "0.1.0";

  private static final Logger log = LoggerFactory.getLogger(SchedulerServer.class);

  private final ServerSettings settings;
  private final Clock clock;
  private ServerDatabase database;
  private ActorSystem system;
  private HttpApi http;
  private ExecutorService storeExecutor;
  private ScheduledExecutorService scheduler;
  private int httpPort;
  private String remotingAddress;

  private SchedulerServer(ServerSettings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public static Builder builder(ServerSettings settings) {
    return new Builder(settings);
  }

  /** Assembles a server; the clock defaults to the system clock. */
  public static final class Builder {
    private final ServerSettings settings;
    private Clock clock = Clock.systemDefaultZone();

    private Builder(ServerSettings settings) {
      this.settings = settings;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public SchedulerServer build() {
      return new SchedulerServer(settings, clock);
    }
  }

  /** Opens the database, binds remoting and HTTP, starts scheduling. Returns once everything listens. */
  public SchedulerServer start() {
    database =
        ServerDatabase.open(
            settings.database().effectiveUrl(settings.dataDir()),
            settings.database().user(),
            settings.database().password(),
            settings.database().poolSize());
    JobRepository jobs = new JobRepository(database.dataSource());
    InstanceRepository instances = new InstanceRepository(database.dataSource());
    storeExecutor = Executors.newFixedThreadPool(settings.database().poolSize(), named("sx-server-store"));
    scheduler = Executors.newSingleThreadScheduledExecutor(named("sx-server-schedule"));

    system = ActorSystem.create("server", RemotingSettings.of(settings.host(), settings.remotingPort()).toConfig());
    Address bound = ((ExtendedActorSystem) system).provider().getDefaultAddress();
    remotingAddress = bound.getHost().orElseThrow() + ":" + bound.getPort().orElseThrow();

    WorkerRegistry registry = new WorkerRegistry(clock, settings.workerTimeout());
    GroupGuard groups = new GroupGuard(settings);
    WorkerGateway gateway = new WorkerGateway(system, settings.submitTimeout());
    InstanceLifecycle lifecycle =
        new InstanceLifecycle(jobs, instances, registry, gateway, groups, clock, storeExecutor, scheduler);
    RemoteEndpoints.start(system, registry, groups, lifecycle);

    http = new HttpApi(settings, groups, () -> remotingAddress, jobs, instances, lifecycle, registry);
    httpPort = http.start();

    long pollMillis = Math.max(10, settings.schedulePollInterval().toMillis());
    scheduler.scheduleWithFixedDelay(
        new DuePass(jobs, instances, lifecycle, registry, clock), pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(
        () -> purge(instances), 1, 60, TimeUnit.MINUTES);
    log.info("scheduler server ready: http {}:{}, remoting akka.tcp://server@{}, database {}",
        settings.host(), httpPort, remotingAddress,
        JdbcUrls.redact(settings.database().effectiveUrl(settings.dataDir())).split(";")[0]);
    return this;
  }

  private void purge(InstanceRepository instances) {
    try {
      int purged = instances.purgeFinishedBefore(clock.instant().minus(settings.historyRetention()));
      if (purged > 0) {
        log.info("purged {} finished instances older than {}", purged, settings.historyRetention());
      }
    } catch (RuntimeException e) {
      log.warn("purge of old instances failed, will try again: {}", e.toString());
    }
  }

  public int httpPort() {
    return httpPort;
  }

  /** {@code host:port} of the remoting endpoint, as discovery hands it to workers. */
  public String remotingAddress() {
    return remotingAddress;
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (http != null) {
      http.close();
    }
    if (system != null) {
      system.terminate();
      try {
        Await.ready(system.whenTerminated(), scala.concurrent.duration.Duration.create(10, TimeUnit.SECONDS));
      } catch (Exception e) {
        log.warn("server actor system did not stop within 10 s");
      }
    }
    if (storeExecutor != null) {
      storeExecutor.shutdown();
      try {
        storeExecutor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (database != null) {
      database.close();
    }
    log.info("scheduler server stopped");
  }

  static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

}
