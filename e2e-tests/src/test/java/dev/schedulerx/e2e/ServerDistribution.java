package dev.schedulerx.e2e;

import dev.schedulerx.e2e.Distribution.Daemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

/**
 * What the standalone-server tests add to {@link Distribution}: the options that make a worker join a
 * server, and a throwaway PostgreSQL schema for it.
 */
final class ServerDistribution {
  private ServerDistribution() {}

  /**
   * JVM options that make a daemon (or the CLI) use the server at {@code httpPort}: a standalone one or the one
   * embedded in another daemon.
   */
  static String joining(int httpPort) {
    return "-Dschedulerx.server.embedded=false -Dschedulerx.domain=127.0.0.1:" + httpPort;
  }

  /**
   * Starts node {@code index} of a server cluster on {@code schema} serving one group and waits for its ready
   * line; its files in {@code dir} are server-{index}.conf, server-{index}.log and server-data-{index}/.
   */
  static Daemon startClusterNode(PostgresqlSchema schema, Path dir, int index, int httpPort, String groupId, String appKey,
      Duration readyWithin) throws IOException {
    return startClusterNode(schema, dir, index, httpPort, groupId, appKey, "", readyWithin);
  }

  /** As above, with {@code moreConf} (keys of the schedulerx-server block, e.g. an alerting block) added. */
  static Daemon startClusterNode(PostgresqlSchema schema, Path dir, int index, int httpPort, String groupId, String appKey,
      String moreConf, Duration readyWithin) throws IOException {
    Path conf = Files.writeString(dir.resolve("server-" + index + ".conf"), """
        schedulerx-server {
          http-port = %d
          data-dir = "%s"
          database { url = "%s", user = "%s", password = "%s" }
          groups = [{ namespace = "default", group-id = "%s", app-key = "%s" }]
        %s
        }
        """.formatted(httpPort, dir.resolve("server-data-" + index), schema.url(), PostgresqlSchema.USER,
            PostgresqlSchema.PASSWORD, groupId, appKey, moreConf));
    return Daemon.startServer(conf, dir.resolve("server-" + index + ".log"), readyWithin);
  }

  /**
   * A schema of random name on this machine's PostgreSQL (127.0.0.1:5432, database test, user postgres, as
   * CI provides), dropped on close. Fails, naming the address, when PostgreSQL cannot be reached.
   */
  static final class PostgresqlSchema implements AutoCloseable {
    static final String ADMIN_URL = System.getProperty("schedulerx.test.postgresql.url", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = System.getProperty("schedulerx.test.postgresql.user", "postgres");
    static final String PASSWORD = System.getProperty("schedulerx.test.postgresql.password", "");

    final String name = "sx_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);

    private PostgresqlSchema() {}

    static PostgresqlSchema create() {
      PostgresqlSchema schema = new PostgresqlSchema();
      schema.execute("CREATE SCHEMA " + schema.name);
      return schema;
    }

    /** The JDBC URL whose tables live in this schema. */
    String url() {
      return ADMIN_URL + (ADMIN_URL.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    /** The first column of the first row of {@code sql}, run in this schema. */
    String queryOne(String sql) throws SQLException {
      try (Connection c = DriverManager.getConnection(url(), USER, PASSWORD);
          Statement statement = c.createStatement();
          var rs = statement.executeQuery(sql)) {
        return rs.next() ? rs.getString(1) : null;
      }
    }

    /** Successful runs of {@code job} created at or after {@code sinceMillis}. */
    long successes(String job, long sinceMillis) throws SQLException {
      return Long.parseLong(queryOne(
          "SELECT COUNT(*) FROM sx_job_instance WHERE job_name = '" + job + "' AND state = 4 AND created_at >= " + sinceMillis));
    }

    /** When the first successful run of {@code job} at or after {@code sinceMillis} was created (epoch ms). */
    long firstSuccessAfter(String job, long sinceMillis) throws SQLException {
      return Long.parseLong(queryOne(
          "SELECT MIN(created_at) FROM sx_job_instance WHERE job_name = '" + job + "' AND state = 4 AND created_at >= " + sinceMillis));
    }

    private void execute(String sql) {
      try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD);
          Statement statement = c.createStatement()) {
        statement.execute(sql);
      } catch (SQLException e) {
        throw new IllegalStateException("PostgreSQL at " + ADMIN_URL + " (user " + USER + ") is unreachable or refused \""
            + sql + "\" (" + e.getMessage() + "); this test needs it: start it (.ci/run does)", e);
      }
    }

    @Override
    public void close() {
      execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }
  }
}
