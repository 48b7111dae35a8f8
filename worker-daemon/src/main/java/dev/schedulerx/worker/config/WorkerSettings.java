package dev.schedulerx.worker.config;

import dev.schedulerx.server.config.ConfigError;

import com.typesafe.config.Config;
import dev.schedulerx.server.http.JobSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    Duration heartbeatInterval,
    Duration reportRetryInterval,
    Duration shutdownGrace,
    List<JobSpec> jobs,
    Http http) {

  public WorkerSettings {
    Objects.requireNonNull(groupId, "groupId");
    jobs = List.copyOf(jobs);
    Objects.requireNonNull(http, "http");
  }

  /** Settings with the health/metrics listener on 127.0.0.1 and any free port (tests, embedding). */
  public WorkerSettings(
      String namespace, String groupId, String appKey, String endpoint, String domain, String label, String apiToken,
      Path pluginsDir, Path dataDir, String remotingHost, int remotingPort, EmbeddedServer server, int threads,
      Duration heartbeatInterval, Duration reportRetryInterval, Duration shutdownGrace, List<JobSpec> jobs) {
    this(namespace, groupId, appKey, endpoint, domain, label, apiToken, pluginsDir, dataDir, remotingHost, remotingPort,
        server, threads, heartbeatInterval, reportRetryInterval, shutdownGrace, jobs, Http.ANY_LOCAL_PORT);
  }

  /** The daemon's own HTTP listener (/healthz, /metrics): {@code schedulerx.worker.http.*}; port 0 = any free port. */
  public record Http(String host, int port) {
    public static final Http ANY_LOCAL_PORT = new Http("127.0.0.1", 0);
  }

  @Override
  public String toString() {
    // the token is a secret: never in logs or check-config output
    return "WorkerSettings[group=" + namespace + "/" + groupId + ", server=" + serverHttpAddress() + "]";
  }

  /** Settings of the scheduler server the daemon may host. */
  public record EmbeddedServer(boolean enabled, int httpPort, int remotingPort, String dbUrl, String dbUser, String dbPassword) {}

  /** True when this daemon starts its own scheduler server (no external endpoint or domain given). */
  public boolean hostsServer() {
    return server.enabled() && endpoint.isBlank() && domain.isBlank();
  }

  /** The HTTP host:port of the server this worker (and the CLI) talks to. */
  public String serverHttpAddress() {
    return domain.isBlank() ? remotingHost + ":" + server.httpPort() : domain;
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
                db.getString("url"), db.getString("user"), db.getString("password")),
            c.getInt("worker.threads"),
            c.getDuration("worker.heartbeat-interval"),
            c.getDuration("worker.report-retry-interval"),
            c.getDuration("worker.shutdown-grace"),
            JobDeclarations.read(c.getConfig("jobs"), c.getString("group-id")),
            new Http(c.getString("worker.http.host"), c.getInt("worker.http.port")));
    settings.validate(c);
    return settings;
  }

  private void validate(Config c) {
    requireText(c, "group-id", groupId);
    requirePort(c, "remoting.port", remotingPort);
    requirePort(c, "server.http-port", server.httpPort());
    requirePort(c, "server.remoting-port", server.remotingPort());
    requireText(c, "worker.http.host", http.host());
    requirePort(c, "worker.http.port", http.port());
    if (threads < 1) {
      throw bad(c, "worker.threads", "must be at least 1");
    }
    if (heartbeatInterval.toMillis() < 100) {
      throw bad(c, "worker.heartbeat-interval", "must be at least 100ms (SchedulerX uses 5s)");
    }
    if (!domain.isBlank() && !domain.matches("[^/:\\s]+:\\d{1,5}")) {
      throw bad(c, "domain", "must be host:port of the server's HTTP side, e.g. 127.0.0.1:18080");
    }
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

  private static ConfigError bad(Config c, String key, String expected) {
    int line = c.hasPath(key) ? c.getValue(key).origin().lineNumber() : -1;
    String origin = c.hasPath(key) ? c.getValue(key).origin().description() : "";
    return new ConfigError("bad value for schedulerx." + key + (line > 0 ? " (" + origin + ")" : "") + ": " + expected);
  }

}
