package dev.schedulerx.worker;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.schedulerx.common.embedded.EmbeddedServer;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.job.JobSpec;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.RemotingSettings;
import dev.schedulerx.protocol.WorkerIds;
import dev.schedulerx.worker.client.ServerApiClient;
import dev.schedulerx.worker.config.WorkerSettings;
import dev.schedulerx.worker.container.ContainerPool;
import dev.schedulerx.worker.container.ContainerSettings;
import dev.schedulerx.worker.instance.DispatchSettings;
import dev.schedulerx.worker.instance.InstanceRuntime;
import dev.schedulerx.worker.instance.Peers;
import dev.schedulerx.worker.link.LinkHealth;
import dev.schedulerx.worker.link.LinkMasterLog;
import dev.schedulerx.worker.link.LinkStatusSink;
import dev.schedulerx.worker.link.ServerLink;
import dev.schedulerx.worker.logs.InstanceLogShipping;
import dev.schedulerx.worker.metrics.DaemonHttp;
import dev.schedulerx.worker.metrics.DaemonMetrics;
import dev.schedulerx.worker.plugin.DirectoryPluginSource;
import dev.schedulerx.worker.plugin.PluginRegistry;
import dev.schedulerx.worker.plugin.PluginScanner;
import dev.schedulerx.worker.plugin.PluginSource;
import dev.schedulerx.worker.plugin.ProcessorInvoker;
import dev.schedulerx.worker.remote.Containers;
import dev.schedulerx.worker.remote.PeerClient;
import dev.schedulerx.worker.remote.WorkerGuardian;
import dev.schedulerx.worker.script.BuiltInProcessors;
import dev.schedulerx.worker.task.TaskBodyCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker daemon: plugins, optionally the embedded scheduler server, and the actor system that
 * speaks SchedulerX. Assembled with {@link #builder(WorkerSettings)}; nothing static, so tests run several.
 */
public final class WorkerDaemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerDaemon.class);
  /** Reported in heartbeats as the worker version. */
  public static final String VERSION = "0.1.0";

  private final WorkerSettings settings;
  private final PluginSource pluginSource;
  private final CompletableFuture<String> registered = new CompletableFuture<>();
  private PluginRegistry plugins;
  private PluginScanner pluginScanner;
  private EmbeddedServer server;
  private CompletableFuture<EmbeddedServer> embeddedStart;
  private ContainerPool pool;
  private DaemonMetrics metrics;
  private DaemonHttp http;
  private int httpPort;
  private ActorSystem<WorkerGuardian.Command> system;
  private CompletableFuture<ActorSystem<WorkerGuardian.Command>> actorSystemStart;
  private InstanceLogShipping instanceLogs;
  private String workerId;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private WorkerDaemon(WorkerSettings settings, PluginSource pluginSource) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.pluginSource = Objects.requireNonNull(pluginSource, "pluginSource");
  }

  public static Builder builder(WorkerSettings settings) {
    return new Builder(settings);
  }

  /** Assembles a daemon; plugins come from the configured directory unless a source is given. */
  public static final class Builder {
    private final WorkerSettings settings;
    private PluginSource pluginSource;

    private Builder(WorkerSettings settings) {
      this.settings = settings;
    }

    public Builder pluginSource(PluginSource source) {
      this.pluginSource = source;
      return this;
    }

    public WorkerDaemon build() {
      return new WorkerDaemon(settings, pluginSource != null ? pluginSource : new DirectoryPluginSource(settings.pluginsDir()));
    }
  }

  /** Loads plugins, starts the embedded server if configured, joins the server. Returns without waiting to register. */
  public WorkerDaemon start() {
    if (settings.hostsServer()) {
      // The embedded server starts on a thread of its own while the worker's side starts here: they need nothing
      // of each other before the worker's first discovery, which waits for it. Only a server whose port is
      // picked when it binds (0) must be up before the worker knows where to find it.
      embeddedStart = CompletableFuture.supplyAsync(
          () -> EmbeddedServer.start(embeddedServerConfig(), settings.dataDir(), WorkerDaemon.class.getClassLoader()),
          task -> new Thread(task, "embedded-server-start").start());
      if (settings.server().httpPort() == 0) {
        server = joined(embeddedStart);
      }
    }
    workerId = WorkerIds.create(settings.remotingHost(), ProcessHandle.current().pid(), ThreadLocalRandom.current().nextLong(100_000));
    ServerLink.Settings link =
        new ServerLink.Settings(
            workerId, settings.namespace(), settings.groupId(), settings.appKey(), settings.endpoint(),
            serverAddress(), settings.label(),
            settings.heartbeatInterval(), settings.reportRetryInterval(), VERSION, settings.tls());
    plugins = new PluginRegistry(pluginSource, BuiltInProcessors.create(settings.scripts(), System.getenv()));
    // The plugins load beside the actor system's start, and discovery (nothing but HTTP) beside both. The first
    // heartbeat waits for the plugins: the server sends no job before their processors are there.
    CompletableFuture<Void> pluginsLoaded = CompletableFuture.runAsync(plugins::load, task -> new Thread(task, "plugins-load").start());
    ServerLink.FirstDiscovery firstDiscovery =
        ServerLink.FirstDiscovery.start(link, embeddedStart != null ? embeddedStart : CompletableFuture.completedFuture(null), pluginsLoaded);
    metrics = new DaemonMetrics(new LinkHealth(Clock.systemUTC()), registered);
    pool = new ContainerPool(settings.threads(), metrics);
    metrics.watch(pool);
    TaskBodyCodec codec = new TaskBodyCodec();
    ProcessorInvoker invoker = new ProcessorInvoker();
    WorkerSettings.Dispatch d = settings.dispatch();
    WorkerSettings.Liveness liveness = settings.liveness();
    DispatchSettings dispatch = new DispatchSettings(d.window(), d.batchSize(), liveness.checkInterval(), liveness.misses(),
        d.progressInterval(), d.memoryBudgetBytes(), settings.dataDir().resolve("spill"));
    ContainerSettings containers = new ContainerSettings(
        ContainerSettings.Reports.DEFAULTS.withAskTimeout(liveness.reportTimeout()).withGiveUpAfter(liveness.masterGoneAfter()),
        ContainerSettings.Mapping.DEFAULTS.withAskTimeout(liveness.mapTimeout()), Clock.systemUTC());
    Behavior<WorkerGuardian.Command> guardian = WorkerGuardian.create(
        link,
        firstDiscovery,
        registered,
        (typedSystem, linkRef) -> {
          String address = hostPort(Adapter.toClassic(typedSystem).provider().getDefaultAddress());
          String self = workerId + "@" + address;
          Peers peers = new PeerClient(Adapter.toClassic(typedSystem),
              Containers.masterPath(Adapter.toClassic(typedSystem)), liveness.startTimeout(), liveness.checkTimeout());
          return new InstanceRuntime(plugins, invoker, pool, codec, new LinkStatusSink(linkRef), peers, dispatch, self, address,
              new LinkMasterLog(linkRef, d.resume()));
        },
        containers,
        metrics);
    // The actor system starts on a thread of its own: a third of its start waits for its remoting to bind (on Pekko's
    // threads), and this one meanwhile starts the rest. The new thread reads configuration through this one's
    // context class loader (the merged reference), which it inherits.
    actorSystemStart = CompletableFuture.supplyAsync(
        () -> ActorSystem.create(guardian, workerId,
            withoutUnusedExtensions(RemotingSettings.of(settings.remotingHost(), settings.remotingPort()).withTls(settings.tls()).toConfig())),
        task -> new Thread(task, "actor-system-start").start());
    if (embeddedStart != null && server == null) {
      server = joined(embeddedStart);
    }
    pluginsLoaded.join();
    if (!settings.pluginsScanInterval().isZero()) {
      pluginScanner = PluginScanner.start(plugins, settings.pluginsScanInterval());
    }
    // Stale after three missed heartbeats: by then the server is about to drop this worker too.
    http = new DaemonHttp(metrics, registered, () -> workerId, settings.heartbeatInterval().multipliedBy(3));
    try {
      httpPort = http.start(settings.http().host(), settings.http().port());
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot serve /healthz and /metrics on " + settings.http().host() + ":" + settings.http().port()
          + " (schedulerx.worker.http.*): " + (e.getMessage() == null ? e : e.getMessage()), e);
    }
    system = joined(actorSystemStart);
    log.info("worker {} listening on {}://{}@{}, group {}",
        workerId, ActorPaths.schemeOf(Adapter.toClassic(system)), workerId, remotingAddress(), settings.groupId());
    instanceLogs = startInstanceLogs();
    return this;
  }

  /**
   * Leaves out two extensions Pekko's reference.conf starts in every actor system: the stream materializer
   * (pekko-stream is on the classpath for Artery, which the SchedulerX wire's classic remoting does not use)
   * and the typed receptionist (the worker finds its peers through the server). Both only cost start-up time.
   */
  static Config withoutUnusedExtensions(Config pekko) {
    List<String> unused = List.of("org.apache.pekko.stream.SystemMaterializer$", "org.apache.pekko.actor.typed.receptionist.Receptionist$");
    for (String key : List.of("pekko.library-extensions", "pekko.actor.typed.library-extensions")) {
      List<String> kept = pekko.getStringList(key).stream().filter(e -> !unused.contains(e)).toList();
      pekko = pekko.withValue(key, ConfigValueFactory.fromIterable(kept));
    }
    return pekko;
  }

  /**
   * The server's HTTP address(es): the embedded server's (as bound once it started: its configured port may be
   * 0), else the configured domain (blank when the server is found through a SchedulerX endpoint).
   */
  private String serverAddress() {
    if (server != null) {
      return settings.remotingHost() + ":" + server.httpPort();
    }
    return settings.hostsServer() ? settings.serverHttpAddress() : settings.domain();
  }

  /** What a start on a thread of its own made, or what stopped it (a {@link dev.schedulerx.common.config.ConfigError} as such). */
  private static <T> T joined(CompletableFuture<T> start) {
    try {
      return start.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Processor lines go to this project's server; a SchedulerX cloud endpoint has no API to take them. */
  private InstanceLogShipping startInstanceLogs() {
    String serverHttp = serverAddress();
    if (serverHttp.isBlank()) {
      return null;
    }
    return InstanceLogShipping.start(settings.instanceLogs(), serverHttp,
        new ServerApiClient(serverHttp, settings.groupId(), settings.apiToken(), settings.tls()), workerId, remotingAddress());
  }

  /** The embedded server: the daemon's address, ports, data dir, group and token; every other key at its default. */
  private Config embeddedServerConfig() {
    WorkerSettings.EmbeddedServer s = settings.server();
    String root = "schedulerx-server.";
    Config own =
        ConfigFactory.parseMap(
            Map.of(
                root + "host", settings.remotingHost(),
                root + "http-port", s.httpPort(),
                root + "remoting-port", s.remotingPort(),
                root + "data-dir", settings.dataDir().resolve("server").toString(),
                root + "database.url", s.dbUrl(),
                root + "database.user", s.dbUser(),
                root + "database.password", s.dbPassword(),
                root + "api-token", settings.apiToken(),
                root + "groups",
                List.of(Map.of("namespace", settings.namespace(), "group-id", settings.groupId(), "app-key", settings.appKey()))),
            "the worker's schedulerx block");
    own = own.withFallback(ConfigFactory.parseMap(Map.of(root + "allow-open-api", s.allowOpenApi()), "schedulerx.server.allow-open-api"));
    TlsSettings tls = settings.tls();
    own = own.withFallback(ConfigFactory.parseMap(
        Map.of(
            root + "tls.http", tls.http(),
            root + "tls.remoting", tls.remoting(),
            root + "tls.key-store", tls.keyStore(),
            root + "tls.key-store-password", tls.keyStorePassword(),
            root + "tls.trust-store", tls.trustStore(),
            root + "tls.trust-store-password", tls.trustStorePassword()),
        "the worker's schedulerx.tls block"));
    return own;
  }

  /**
   * Waits until the server accepted this worker's heartbeat, then creates or updates the jobs declared in
   * the config. Throws {@link TimeoutException} naming the server when that does not happen in time.
   */
  public void awaitReady(Duration timeout) throws TimeoutException, InterruptedException {
    awaitReady(timeout, new CompletableFuture<>());
  }

  /**
   * As {@link #awaitReady(Duration)}, unless {@code stopRequested} completes first (an operator stops a daemon that
   * cannot reach its server): then answers false at once, without declaring jobs. True when ready.
   */
  public boolean awaitReady(Duration timeout, CompletionStage<?> stopRequested)
      throws TimeoutException, InterruptedException {
    String leader;
    try {
      CompletableFuture.anyOf(registered, stopRequested.toCompletableFuture()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!registered.isDone()) {
        log.info("worker {} asked to stop before it registered with the scheduler server", workerId);
        return false;
      }
      leader = registered.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new TimeoutException("not registered with the scheduler server at "
          + (serverAddress().isBlank() ? "endpoint " + settings.endpoint() : serverAddress()) + " within " + timeout.toSeconds() + " s");
    }
    if (!settings.jobs().isEmpty()) {
      ServerApiClient api = new ServerApiClient(serverAddress(), settings.groupId(), settings.apiToken(), settings.tls());
      for (JobSpec job : settings.jobs()) {
        api.upsertJob(job);
      }
      log.info("declared {} job(s) on the server: {}", settings.jobs().size(), settings.jobs().stream().map(JobSpec::name).toList());
    }
    if (!settings.workflows().isEmpty()) {
      ServerApiClient api = new ServerApiClient(serverAddress(), settings.groupId(), settings.apiToken(), settings.tls());
      for (java.util.Map<String, Object> workflow : settings.workflows()) {
        api.upsertWorkflow(workflow);
      }
      log.info("declared {} workflow(s) on the server: {}", settings.workflows().size(),
          settings.workflows().stream().map(w -> w.get("name")).toList());
    }
    log.info("worker {} registered with server {} in group {}: ready ({} processor(s) loaded, /healthz and /metrics on http://{}:{})",
        workerId, leader, settings.groupId(), plugins.processors().size(), settings.http().host(), httpPort);
    return true;
  }

  public String workerId() {
    return workerId;
  }

  /** {@code host:port} of this worker's remoting endpoint. */
  public String remotingAddress() {
    return hostPort(Adapter.toClassic(system).provider().getDefaultAddress());
  }

  private static String hostPort(Address address) {
    return address.getHost().orElseThrow() + ":" + address.getPort().orElseThrow();
  }

  /** Port of the /healthz and /metrics listener. */
  public int httpPort() {
    return httpPort;
  }

  public PluginRegistry plugins() {
    return plugins;
  }

  /** Says goodbye to the server, then stops actors, processor threads, the embedded server and plugins. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (http != null) {
      http.close(); // probes see the daemon gone at once, not a half-stopped one
    }
    if (system == null && actorSystemStart != null) {
      system = actorSystemStart.exceptionally(failed -> null).join(); // a start that failed elsewhere: its actor system still stops
    }
    if (system != null) {
      Duration grace = settings.shutdownGrace();
      try {
        AskPattern.<WorkerGuardian.Command, org.apache.pekko.Done>ask(system, r -> new WorkerGuardian.Drain(grace, r), grace.plusSeconds(5), system.scheduler())
            .toCompletableFuture().get(grace.toMillis() + 6_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        log.warn("running instances not drained: {}", e.toString());
      }
      try {
        Duration flush = settings.reportRetryInterval().multipliedBy(3).plusSeconds(3);
        AskPattern.<WorkerGuardian.Command, org.apache.pekko.Done>ask(system, WorkerGuardian.GoOffline::new, flush, system.scheduler())
            .toCompletableFuture().get(flush.toMillis() + 1_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        log.debug("offline heartbeat not confirmed: {}", e.toString());
      }
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("worker actor system did not stop within 10 s");
      }
    }
    if (pool != null) {
      pool.close();
    }
    if (instanceLogs != null) {
      instanceLogs.close(); // before the embedded server stops, so the last lines still reach it
    }
    if (server == null && embeddedStart != null) {
      server = embeddedStart.exceptionally(failed -> null).join(); // a start that failed elsewhere: its server still stops
    }
    if (server != null) {
      server.close();
    }
    if (pluginScanner != null) {
      pluginScanner.close();
    }
    if (plugins != null) {
      plugins.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    log.info("worker {} stopped", workerId);
  }
}
