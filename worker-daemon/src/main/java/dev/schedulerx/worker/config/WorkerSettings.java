package dev.schedulerx.worker.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.schedulerx.common.config.ConfigError;
import dev.schedulerx.common.config.LayeredConfig;
import dev.schedulerx.common.config.MergedReference;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.job.JobSpec;
import dev.schedulerx.worker.client.ServerApiClient;
import dev.schedulerx.worker.logs.InstanceLogShipping;
import dev.schedulerx.worker.script.ScriptSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The daemon's settings, validated once at start. Components receive this record (or a part of it),
 * never the raw {@link Config}.
 */
public record WorkerSettings(
    String namespace,
    String groupId,
    String appKey,
    String endpoint,
    String domain,
    String label,
    String apiToken,
    Path pluginsDir,
    Path dataDir,
    String remotingHost,
    int remotingPort,
    EmbeddedServer server,
    int threads,
    Dispatch dispatch,
    Duration heartbeatInterval,
    Duration reportRetryInterval,
    Duration shutdownGrace,
    List<JobSpec> jobs,
    List<Map<String, Object>> workflows,
    InstanceLogShipping.Settings instanceLogs,
    Duration pluginsScanInterval,
    TlsSettings tls,
    Http http,
    ScriptSettings scripts,
    Liveness liveness) {

  public WorkerSettings {
    Objects.requireNonNull(groupId, "groupId");
    jobs = List.copyOf(jobs);
    workflows = List.copyOf(workflows);
    Objects.requireNonNull(instanceLogs, "instanceLogs");
    Objects.requireNonNull(pluginsScanInterval, "pluginsScanInterval");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(scripts, "scripts");
    Objects.requireNonNull(liveness, "liveness");
  }

  /**
   * {@code schedulerx.worker.dispatch.*}: how a Map/MapReduce master spreads sub-tasks, and whether it keeps
   * the operation log that lets another worker resume its instance, and how often it reports progress.
   */
  public record Dispatch(int window, int batchSize, long memoryBudgetBytes, boolean resume, Duration progressInterval) {
    public Dispatch(int window, int batchSize, long memoryBudgetBytes) {
      this(window, batchSize, memoryBudgetBytes, true, Duration.ofSeconds(1));
    }
  }

  /**
   * {@code schedulerx.worker.liveness.*}: when a peer counts as gone. A master checks each worker it dispatched to
   * every {@code checkInterval}, each check waiting {@code checkTimeout}, and moves the tasks of a worker that missed
   * {@code misses} checks in a row; a start request waits {@code startTimeout} for the worker's answer. A worker's
   * batch of final statuses waits {@code reportTimeout} for the master, and is dropped once the master was
   * unreachable for {@code masterGoneAfter}; a chunk of {@code map()}ped sub-tasks waits {@code mapTimeout}.
   */
  public record Liveness(
      Duration checkInterval, int misses, Duration checkTimeout, Duration startTimeout, Duration reportTimeout,
      Duration masterGoneAfter, Duration mapTimeout) {}

  /** The daemon's own HTTP listener (/healthz, /metrics): {@code schedulerx.worker.http.*}; port 0 = any free port. */
  public record Http(String host, int port) {}

  @Override
  public String toString() {
    // the token is a secret: never in logs or check-config output
    return "WorkerSettings[group=" + namespace + "/" + groupId + ", server=" + serverHttpAddress() + "]";
  }

  /** Settings of the scheduler server the daemon may host. */
  public record EmbeddedServer(boolean enabled, int httpPort, int remotingPort, String dbUrl, String dbUser, String dbPassword,
      boolean allowOpenApi) {
    public EmbeddedServer(boolean enabled, int httpPort, int remotingPort, String dbUrl, String dbUser, String dbPassword) {
      this(enabled, httpPort, remotingPort, dbUrl, dbUser, dbPassword, false);
    }
  }

  /** True when this daemon starts its own scheduler server (no external endpoint or domain given). */
  public boolean hostsServer() {
    return server.enabled() && endpoint.isBlank() && domain.isBlank();
  }

  /** The HTTP host:port of the server this worker (and the CLI) talks to; several, comma-separated, when domain lists several nodes. */
  public String serverHttpAddress() {
    return domain.isBlank() ? remotingHost + ":" + server.httpPort() : domain;
  }

  /**
   * The defaults of {@code reference.conf} with {@code keys} set over them (paths below {@code schedulerx.},
   * e.g. {@code "remoting.port" → 0}), validated as a config file is: for daemons embedded in a program or a
   * test, which should not depend on the order of this record's components.
   */
  public static WorkerSettings of(Map<String, ?> keys, Path home) {
    Config own = ConfigFactory.parseMap(keys, "settings given in code").atPath(ConfigLoader.ROOT);
    try {
      return fromConfig(own.withFallback(MergedReference.reference(WorkerSettings.class)).resolve(), home);
    } catch (ConfigException e) {
      throw new ConfigError(LayeredConfig.oneLine(e));
    }
  }

  /** The server nodes' HTTP host:port, in the order they are tried. */
  public List<String> serverHttpAddresses() {
    return ServerApiClient.addresses(serverHttpAddress());
  }

  static WorkerSettings fromConfig(Config merged, Path home) {
    Config c = merged.getConfig(ConfigLoader.ROOT);
    Config server = c.getConfig("server");
    Config db = server.getConfig("database");
    WorkerSettings settings =
        new WorkerSettings(
            c.getString("namespace"),
            c.getString("group-id"),
            c.getString("app-key"),
            c.getString("endpoint"),
            c.getString("domain"),
            c.getString("label"),
            c.getString("api-token"),
            home.resolve(c.getString("plugins-dir")).normalize(),
            home.resolve(c.getString("data-dir")).normalize(),
            c.getString("remoting.host"),
            c.getInt("remoting.port"),
            new EmbeddedServer(
                server.getBoolean("embedded"), server.getInt("http-port"), server.getInt("remoting-port"),
                db.getString("url"), db.getString("user"), db.getString("password"), server.getBoolean("allow-open-api")),
            c.getInt("worker.threads"),
            new Dispatch(
                c.getInt("worker.dispatch.window"), c.getInt("worker.dispatch.batch-size"),
                c.getBytes("worker.dispatch.memory-budget"), c.getBoolean("worker.dispatch.resume"),
                c.getDuration("worker.dispatch.progress-interval")),
            c.getDuration("worker.heartbeat-interval"),
            c.getDuration("worker.report-retry-interval"),
            c.getDuration("worker.shutdown-grace"),
            JobDeclarations.read(c.getConfig("jobs"), c.getString("group-id")),
            WorkflowDeclarations.read(c.getConfig("workflows"), c.getString("group-id")),
            new InstanceLogShipping.Settings(
                c.getBoolean("instance-logs.ship"), c.getInt("instance-logs.buffer-size"),
                c.getDuration("instance-logs.flush-interval")),
            c.getDuration("worker.plugins-scan-interval"),
            new TlsSettings(
                c.getBoolean("tls.http"), c.getBoolean("tls.remoting"),
                path(home, c.getString("tls.key-store")), c.getString("tls.key-store-password"),
                path(home, c.getString("tls.trust-store")), c.getString("tls.trust-store-password")),
            new Http(c.getString("worker.http.host"), c.getInt("worker.http.port")),
            ScriptSettings.fromConfig(c, home.resolve(c.getString("data-dir")).normalize(), home),
            new Liveness(
                c.getDuration("worker.liveness.check-interval"), c.getInt("worker.liveness.misses"),
                c.getDuration("worker.liveness.check-timeout"), c.getDuration("worker.liveness.start-timeout"),
                c.getDuration("worker.liveness.report-timeout"), c.getDuration("worker.liveness.master-gone-after"),
                c.getDuration("worker.liveness.map-timeout")));
    settings.validate(c);
    return settings;
  }

  private void validate(Config c) {
    requireText(c, "group-id", groupId);
    requirePort(c, "remoting.port", remotingPort);
    requirePort(c, "server.http-port", server.httpPort());
    requirePort(c, "server.remoting-port", server.remotingPort());
    if (hostsServer() && apiToken.isEmpty() && !isLoopback(remotingHost) && !server.allowOpenApi()) {
      throw bad(c, "api-token", "must be set when the embedded server listens on remoting.host \"" + remotingHost
          + "\", not a loopback address: without it anyone who reaches port " + server.httpPort() + " can create, run"
          + " and delete jobs; set schedulerx.api-token (better: SCHEDULERX_API_TOKEN), or"
          + " schedulerx.server.allow-open-api = true to serve an open API on purpose");
    }
    requireText(c, "worker.http.host", http.host());
    requirePort(c, "worker.http.port", http.port());
    if (threads < 1) {
      throw bad(c, "worker.threads", "must be at least 1");
    }
    if (dispatch.window() < 1) {
      throw bad(c, "worker.dispatch.window", "must be at least 1 (sub-tasks a worker may hold per instance)");
    }
    if (dispatch.batchSize() < 1 || dispatch.batchSize() > dispatch.window()) {
      throw bad(c, "worker.dispatch.batch-size", "must be between 1 and worker.dispatch.window (" + dispatch.window() + ")");
    }
    if (dispatch.memoryBudgetBytes() < 0) {
      throw bad(c, "worker.dispatch.memory-budget", "must not be negative (0 = every waiting body goes to a file)");
    }
    if (dispatch.progressInterval().toMillis() < 100) {
      throw bad(c, "worker.dispatch.progress-interval", "must be at least 100ms");
    }
    for (String key : List.of("check-interval", "check-timeout", "start-timeout", "report-timeout", "master-gone-after", "map-timeout")) {
      if (c.getDuration("worker.liveness." + key).toMillis() < 100) {
        throw bad(c, "worker.liveness." + key, "must be at least 100ms");
      }
    }
    if (liveness.misses() < 1) {
      throw bad(c, "worker.liveness.misses", "must be at least 1 (checks a worker may miss in a row before its tasks move)");
    }
    if (heartbeatInterval.toMillis() < 100) {
      throw bad(c, "worker.heartbeat-interval", "must be at least 100ms (SchedulerX uses 5s)");
    }
    if (instanceLogs.bufferSize() < 1) {
      throw bad(c, "instance-logs.buffer-size", "must be at least 1");
    }
    if (instanceLogs.flushInterval().toMillis() < 10) {
      throw bad(c, "instance-logs.flush-interval", "must be at least 10ms");
    }
    if (pluginsScanInterval.isNegative() || (!pluginsScanInterval.isZero() && pluginsScanInterval.toMillis() < 100)) {
      throw bad(c, "worker.plugins-scan-interval", "must be 0 (off) or at least 100ms");
    }
    if (!domain.isBlank()
        && (ServerApiClient.addresses(domain).isEmpty() || !ServerApiClient.addresses(domain).stream().allMatch(a -> a.matches("[^/:\\s,]+:\\d{1,5}")))) {
      throw bad(c, "domain", "must be host:port of the server's HTTP side, or several separated by commas,"
          + " e.g. 127.0.0.1:18080,127.0.0.1:18081");
    }
    if (tls.remoting() && (tls.keyStore().isEmpty() || tls.trustStore().isEmpty())) {
      throw bad(c, "tls.remoting", "needs tls.key-store and tls.trust-store (both ends present and check certificates)");
    }
    if (tls.http() && hostsServer() && tls.keyStore().isEmpty()) {
      throw bad(c, "tls.http", "needs tls.key-store: the embedded server serves HTTPS with it");
    }
    for (String store : List.of("key-store", "trust-store")) {
      String file = store.equals("key-store") ? tls.keyStore() : tls.trustStore();
      if (!file.isEmpty() && !java.nio.file.Files.isReadable(Path.of(file))) {
        throw bad(c, "tls." + store, "file " + file + " is not readable");
      }
    }
  }

  private static String path(Path home, String file) {
    return file.isBlank() ? "" : home.resolve(file).normalize().toString();
  }

  private static void requireText(Config c, String key, String value) {
    if (value.isBlank()) {
      throw bad(c, key, "must not be empty");
    }
  }

  private static void requirePort(Config c, String key, int port) {
    if (port < 0 || port > 65535) {
      throw bad(c, key, "must be a TCP port between 0 and 65535 (0 = any free port)");
    }
  }

  /** Whether {@code host} is reachable from this machine only (127.0.0.0/8, ::1, a name resolving to one). */
  private static boolean isLoopback(String host) {
    try {
      return java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static ConfigError bad(Config c, String key, String expected) {
    int line = c.hasPath(key) ? c.getValue(key).origin().lineNumber() : -1;
    String origin = c.hasPath(key) ? c.getValue(key).origin().description() : "";
    return new ConfigError("bad value for schedulerx." + key + (line > 0 ? " (" + origin + ")" : "") + ": " + expected);
  }

}
