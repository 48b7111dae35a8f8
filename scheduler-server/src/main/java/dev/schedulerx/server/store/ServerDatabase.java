package dev.schedulerx.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's database: a HikariCP pool whose schema has been brought up to date by Flyway with
 * the production migrations ({@value #MIGRATIONS}). Opening fails fast with a {@link
 * StoreOpenException}, so a misconfigured server stops at start-up instead of on its first
 * schedule. Repositories are built on {@link #dataSource()}.
 */
public final class ServerDatabase implements AutoCloseable {
  /**
   * Where the migration scripts live; one portable script set with per-database type placeholders.
   */
  public static final String MIGRATIONS = "classpath:db/migration/common";

  private static final Logger log = LoggerFactory.getLogger(ServerDatabase.class);
  private static final String POOL_NAME = "schedulerx-store";

  private final HikariDataSource dataSource;
  private final String redactedUrl;
  private final Dialect dialect;

  private ServerDatabase(HikariDataSource dataSource, String redactedUrl, Dialect dialect) {
    this.dialect = dialect;
    this.dataSource = dataSource;
    this.redactedUrl = redactedUrl;
  }

  /**
   * Opens a pool and migrates the schema.
   *
   * @throws StoreOpenException one line naming the URL (without password) and the cause, when the
   *     database cannot be reached, is not supported, or the migration fails
   */
  public static ServerDatabase open(String jdbcUrl, String user, String password, int maxPoolSize) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (maxPoolSize < 1) {
      throw new IllegalArgumentException("maxPoolSize must be at least 1, was " + maxPoolSize);
    }
    String redactedUrl = JdbcUrls.redact(jdbcUrl);
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(poolConfig(jdbcUrl, user, password, maxPoolSize));
    } catch (RuntimeException e) {
      throw new StoreOpenException(
          "cannot open database " + redactedUrl + ": " + rootMessage(e, password), e);
    }
    try {
      Dialect dialect = detectDialect(dataSource);
      MigrateResult result = migrate(jdbcUrl, user, password, dialect);
      log.info(
          "Opened database {} ({}), schema version {}, {} migration(s) applied",
          redactedUrl,
          dialect,
          result.targetSchemaVersion == null
              ? result.initialSchemaVersion
              : result.targetSchemaVersion,
          result.migrationsExecuted);
      return new ServerDatabase(dataSource, redactedUrl, dialect);
    } catch (SQLException | RuntimeException e) {
      dataSource.close();
      throw new StoreOpenException(
          "cannot prepare database " + redactedUrl + ": " + rootMessage(e, password), e);
    }
  }

  /** Whether several server nodes may share this database (H2 belongs to the one node that opened it). */
  public boolean sharedByNodes() {
    return dialect != Dialect.H2;
  }

  /** The pooled data source, for the repositories. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** Closes the pool; idempotent. */
  @Override
  public void close() {
    if (!dataSource.isClosed()) {
      dataSource.close();
      log.info("Closed database {}", redactedUrl);
    }
  }

  @Override
  public String toString() {
    return "ServerDatabase[" + redactedUrl + "]";
  }

  private static HikariConfig poolConfig(
      String jdbcUrl, String user, String password, int maxPoolSize) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(POOL_NAME);
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(maxPoolSize);
    config.setMinimumIdle(Math.min(2, maxPoolSize));
    // The level H2 and PostgreSQL default to. MariaDB's default, REPEATABLE READ, gap-locks the
    // upsert's UPDATE that finds nothing, and racing upserts of one new job then deadlock.
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    return config;
  }

  private static Dialect detectDialect(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return Dialect.forProduct(connection.getMetaData().getDatabaseProductName());
    }
  }

  /**
   * Flyway takes two connections at once (schema history lock and migration), so it gets its own,
   * outside the pool: a pool of size 1 would otherwise wait on itself.
   */
  private static MigrateResult migrate(
      String jdbcUrl, String user, String password, Dialect dialect) {
    return Flyway.configure(ServerDatabase.class.getClassLoader())
        .dataSource(jdbcUrl, user, password)
        .locations(MIGRATIONS)
        .placeholders(dialect.placeholders())
        .load()
        .migrate();
  }

  /** The innermost cause's first message line, with passwords removed. */
  private static String rootMessage(Throwable e, String password) {
    String message = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    String line = message == null ? e.getClass().getSimpleName() : SqlErrors.firstLine(message);
    return JdbcUrls.redact(line, password);
  }
}
