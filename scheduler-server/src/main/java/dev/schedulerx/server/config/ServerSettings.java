package dev.schedulerx.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.server.store.JdbcUrls;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the scheduler server can be told, validated once. Built by {@link #fromConfig} from the
 * {@code schedulerx-server} block (standalone) or by the worker daemon (embedded).
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
    List<AppGroup> groups,
    ApiSecurity apiSecurity,
    Lease lease,
    TlsSettings tls) {

  public ServerSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(database, "database");
    groups = List.copyOf(groups);
    Objects.requireNonNull(apiSecurity, "apiSecurity");
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(tls, "tls");
  }

  /**
   * The leader lease that lets several server nodes share one database with one of them scheduling.
   *
   * @param renewInterval how often every node renews (leader) or tries to take (others) the lease
   * @param ttl how long a lease lasts without renewal: a dead leader is replaced after at most ttl + renewInterval
   */
  public record Lease(Duration renewInterval, Duration ttl) {
    public static final Lease DEFAULT = new Lease(Duration.ofSeconds(2), Duration.ofSeconds(6));

    public Lease {
      Objects.requireNonNull(renewInterval, "renewInterval");
      Objects.requireNonNull(ttl, "ttl");
    }
  }

  /**
   * Who may call the HTTP APIs.
   *
   * @param apiToken bearer token required on every {@code /api/v1/**} call; empty = no check (local use only)
   * @param openApiSkew how far an {@code openapi-timestamp} may be from the server clock, either way
   */
  /**
   * @param maxRerunRuns the most runs one back-fill (OpenAPI {@code job/rerun}, REST, CLI) may create
   */
  public record ApiSecurity(String apiToken, Duration openApiSkew, int maxRerunRuns) {
    public static final int DEFAULT_MAX_RERUN_RUNS = 1000;
    public static final ApiSecurity DEFAULT = new ApiSecurity("", Duration.ofMinutes(5));

    public ApiSecurity(String apiToken, Duration openApiSkew) {
      this(apiToken, openApiSkew, DEFAULT_MAX_RERUN_RUNS);
    }

    public ApiSecurity {
      apiToken = apiToken == null ? "" : apiToken;
      Objects.requireNonNull(openApiSkew, "openApiSkew");
    }

    /** Without the token, so settings can be logged. */
    @Override
    public String toString() {
      return "ApiSecurity[apiToken=" + (apiToken.isEmpty() ? "" : "***") + ", openApiSkew=" + openApiSkew
          + ", maxRerunRuns=" + maxRerunRuns + "]";
    }
  }

  /** Connection to the server's database. An empty url means an H2 file under the data dir. */
  public record DatabaseSettings(String url, String user, String password, int poolSize) {
    /** The JDBC URL to use, resolving the empty default to an H2 file database under {@code dataDir}. */
    public String effectiveUrl(Path dataDir) {
      if (!url.isBlank()) {
        return url;
      }
      // The server closes the database itself, after its last write; H2 must not close it at JVM exit first.
      // H2 keeps 8 parsed statements per connection by default, fewer than one run's path uses: it re-parsed.
      return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("schedulerx") + ";DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=64";
    }

    /** Without the password, so settings can be logged. */
    @Override
    public String toString() {
      return "DatabaseSettings[url=" + JdbcUrls.redact(url) + ", user=" + user
          + ", password=" + (password.isEmpty() ? "" : "***") + ", poolSize=" + poolSize + "]";
    }
  }

  /** An app group workers may join, identified by namespace and group id, guarded by its app key. */
  public record AppGroup(String namespace, String groupId, String appKey) {}

  /** The block of a config file that holds the standalone server's keys. */
  public static final String ROOT = "schedulerx-server";

  private static final Set<String> GROUP_KEYS = Set.of("namespace", "group-id", "app-key");

  /**
   * Reads the {@value #ROOT} block of {@code config} (a file layered over {@code reference.conf}).
   * A relative {@code data-dir} resolves against {@code home}, the distribution directory.
   *
   * @throws ConfigException naming the key (with the {@value #ROOT} prefix) and its origin, when a
   *     value is missing, of the wrong type or out of range
   */
  public static ServerSettings fromConfig(Config config, Path home) {
    Objects.requireNonNull(home, "home");
    List<AppGroup> groups = new ArrayList<>();
    List<? extends Config> groupConfigs = config.getConfigList(key("groups"));
    for (int i = 0; i < groupConfigs.size(); i++) {
      groups.add(group(config, i, groupConfigs.get(i)));
    }
    ServerSettings settings =
        new ServerSettings(
            config.getString(key("host")),
            config.getInt(key("http-port")),
            config.getInt(key("remoting-port")),
            home.resolve(config.getString(key("data-dir"))).normalize(),
            new DatabaseSettings(
                config.getString(key("database.url")),
                config.getString(key("database.user")),
                config.getString(key("database.password")),
                config.getInt(key("database.pool-size"))),
            config.getDuration(key("worker-timeout")),
            config.getDuration(key("schedule-poll-interval")),
            config.getDuration(key("submit-timeout")),
            config.getDuration(key("history-retention")),
            groups,
            new ApiSecurity(config.getString(key("api-token")), config.getDuration(key("openapi-timestamp-skew")),
                config.getInt(key("rerun-max-runs"))),
            new Lease(config.getDuration(key("lease.renew-interval")), config.getDuration(key("lease.ttl"))),
            new TlsSettings(
                config.getBoolean(key("tls.http")), config.getBoolean(key("tls.remoting")),
                file(home, config.getString(key("tls.key-store"))), config.getString(key("tls.key-store-password")),
                file(home, config.getString(key("tls.trust-store"))), config.getString(key("tls.trust-store-password"))));
    settings.validate(config);
    return settings;
  }

  private static String file(Path home, String file) {
    return file.isBlank() ? "" : home.resolve(file).normalize().toString();
  }

  private static AppGroup group(Config config, int index, Config g) {
    String at = key("groups") + "[" + index + "]";
    for (String k : g.root().keySet()) {
      if (!GROUP_KEYS.contains(k)) {
        throw new ConfigException.BadValue(
            g.root().get(k).origin(), at + "." + k, "unknown key: a group has namespace, group-id and app-key");
      }
    }
    String namespace = g.hasPath("namespace") ? g.getString("namespace") : "default";
    for (String required : List.of("group-id", "app-key")) {
      if (!g.hasPath(required) || g.getString(required).isBlank()) {
        throw new ConfigException.BadValue(g.root().origin(), at + "." + required, "must not be empty");
      }
    }
    return new AppGroup(namespace, g.getString("group-id"), g.getString("app-key"));
  }

  private void validate(Config c) {
    if (host.isBlank()) {
      throw bad(c, "host", "must not be empty");
    }
    if (apiSecurity.apiToken().isEmpty() && !isLoopback(host) && !c.getBoolean(key("allow-open-api"))) {
      // Located at the host's line: that is where the file made the server reachable.
      throw new ConfigException.BadValue(c.getValue(key("host")).origin(), key("api-token"), "must be set when host is \"" + host + "\", not a loopback address: without it anyone who"
          + " reaches port " + httpPort + " can create, run and delete jobs; set " + key("api-token")
          + " (better: SCHEDULERX_SERVER_API_TOKEN), or " + key("allow-open-api") + " = true to serve an open API on purpose");
    }
    requirePort(c, "http-port", httpPort);
    requirePort(c, "remoting-port", remotingPort);
    if (database.poolSize() < 1) {
      throw bad(c, "database.pool-size", "must be at least 1");
    }
    requirePositive(c, "worker-timeout", workerTimeout, "9s");
    requirePositive(c, "schedule-poll-interval", schedulePollInterval, "100ms");
    requirePositive(c, "submit-timeout", submitTimeout, "5s");
    requirePositive(c, "history-retention", historyRetention, "7d");
    requirePositive(c, "openapi-timestamp-skew", apiSecurity.openApiSkew(), "5m");
    requirePositive(c, "lease.renew-interval", lease.renewInterval(), "2s");
    requirePositive(c, "lease.ttl", lease.ttl(), "6s");
    if (lease.ttl().compareTo(lease.renewInterval().multipliedBy(2)) < 0) {
      throw bad(c, "lease.ttl", "must be at least twice lease.renew-interval (default 6s with 2s), or a leader"
          + " loses its lease between two renewals");
    }
    if (apiSecurity.maxRerunRuns() < 1) {
      throw bad(c, "rerun-max-runs", "must be at least 1 (default 1000)");
    }
    if (!apiSecurity.apiToken().equals(apiSecurity.apiToken().strip())) {
      throw bad(c, "api-token", "must not start or end with white space");
    }
    if (groups.isEmpty()) {
      throw bad(c, "groups", "must list at least one group: { namespace, group-id, app-key }");
    }
    if ((tls.http() || tls.remoting()) && tls.keyStore().isEmpty()) {
      throw bad(c, tls.http() ? "tls.http" : "tls.remoting", "needs tls.key-store (this node's key and certificate)");
    }
    if (tls.remoting() && tls.trustStore().isEmpty()) {
      throw bad(c, "tls.remoting", "needs tls.trust-store (the workers' certificates, checked both ways)");
    }
    for (String store : List.of("key-store", "trust-store")) {
      String file = store.equals("key-store") ? tls.keyStore() : tls.trustStore();
      if (!file.isEmpty() && !java.nio.file.Files.isReadable(Path.of(file))) {
        throw bad(c, "tls." + store, "file " + file + " is not readable");
      }
    }
    Set<String> seen = new HashSet<>();
    for (AppGroup g : groups) {
      if (!seen.add(g.groupId())) {
        throw bad(c, "groups", "group-id " + g.groupId() + " is listed twice");
      }
    }
  }

  private static void requirePort(Config c, String key, int port) {
    if (port < 0 || port > 65535) {
      throw bad(c, key, "must be a TCP port between 0 and 65535 (0 = any free port)");
    }
  }

  private static void requirePositive(Config c, String key, Duration value, String example) {
    if (value.isNegative() || value.isZero()) {
      throw bad(c, key, "must be a positive duration, e.g. " + example);
    }
  }

  private static ConfigException bad(Config c, String relativeKey, String expected) {
    String key = key(relativeKey);
    return new ConfigException.BadValue(c.getValue(key).origin(), key, expected);
  }

  /** Whether {@code host} is reachable from this machine only (127.0.0.0/8, ::1, a name resolving to one). */
  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String key(String relativeKey) {
    return ROOT + "." + relativeKey;
  }

  /** Looks up a group by its id. */
  public Optional<AppGroup> group(String groupId) {
    return groups.stream().filter(g -> g.groupId().equals(groupId)).findFirst();
  }
}
