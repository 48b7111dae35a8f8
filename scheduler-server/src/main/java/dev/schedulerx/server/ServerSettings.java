package dev.schedulerx.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the scheduler server can be told, validated once. Built from the {@code schedulerx-server}
 * block (standalone) or by the worker daemon (embedded).
 */
public record ServerSettings(
    String host,
    int httpPort,
    int remotingPort,
    Path dataDir,
    DatabaseSettings database,
    Duration workerTimeout,
    Duration schedulePollInterval,
    Duration submitTimeout,
    Duration historyRetention,
    List<AppGroup> groups) {

  public ServerSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(database, "database");
    groups = List.copyOf(groups);
  }

  /** Connection to the server's database. An empty url means an H2 file under the data dir. */
  public record DatabaseSettings(String url, String user, String password, int poolSize) {
    /** The JDBC URL to use, resolving the empty default to an H2 file database under {@code dataDir}. */
    public String effectiveUrl(Path dataDir) {
      if (!url.isBlank()) {
        return url;
      }
      // The server closes the database itself, after its last write; H2 must not close it at JVM exit first.
      return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("schedulerx") + ";DB_CLOSE_ON_EXIT=FALSE";
    }
  }

  /** An app group workers may join, identified by namespace and group id, guarded by its app key. */
  public record AppGroup(String namespace, String groupId, String appKey) {}

  /** Reads the keys of one {@code schedulerx-server} block (relative paths). */
  public static ServerSettings fromConfig(Config c) {
    List<AppGroup> groups =
        c.getConfigList("groups").stream()
            .map(g -> new AppGroup(g.getString("namespace"), g.getString("group-id"), g.getString("app-key")))
            .toList();
    Config db = c.getConfig("database");
    ServerSettings settings =
        new ServerSettings(
            c.getString("host"),
            c.getInt("http-port"),
            c.getInt("remoting-port"),
            Path.of(c.getString("data-dir")),
            new DatabaseSettings(db.getString("url"), db.getString("user"), db.getString("password"), db.getInt("pool-size")),
            c.getDuration("worker-timeout"),
            c.getDuration("schedule-poll-interval"),
            c.getDuration("submit-timeout"),
            c.getDuration("history-retention"),
            groups);
    settings.validate(c);
    return settings;
  }

  private void validate(Config c) {
    requirePort(c, "http-port", httpPort);
    requirePort(c, "remoting-port", remotingPort);
    if (database.poolSize() < 1) {
      throw new ConfigException.BadValue(c.origin(), "database.pool-size", "must be at least 1");
    }
    if (workerTimeout.isNegative() || workerTimeout.isZero()) {
      throw new ConfigException.BadValue(c.origin(), "worker-timeout", "must be a positive duration, e.g. 9s");
    }
  }

  private static void requirePort(Config c, String key, int port) {
    if (port < 0 || port > 65535) {
      throw new ConfigException.BadValue(c.origin(), key, "must be a TCP port between 0 and 65535");
    }
  }

  /** Looks up a group by its id. */
  public java.util.Optional<AppGroup> group(String groupId) {
    return groups.stream().filter(g -> g.groupId().equals(groupId)).findFirst();
  }
}
