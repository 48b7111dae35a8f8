package dev.schedulerx.server.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A throwaway database with the production migrations: a fresh in-memory H2, or a schema of random name
 * on the machine's PostgreSQL ({@code CREATE SCHEMA sx_…}, {@code currentSchema=} in the URL) or
 * MariaDB ({@code CREATE DATABASE sx_…}). {@link #close()} drops it. When PostgreSQL or MariaDB cannot
 * be reached the tests fail, naming the database and its address: CI starts both ({@code .ci/run}).
 *
 * <p>The addresses default to this machine's servers and can be moved with the system properties
 * {@code schedulerx.test.postgresql.url} / {@code .user} / {@code .password} (and likewise {@code
 * mariadb}); the URL names the database in which the throwaway schema is created.
 */
final class TestDatabase implements AutoCloseable {

  /** The databases the store is tested on. */
  enum Kind {
    H2("H2", "", "sa", ""),
    POSTGRESQL("PostgreSQL", "jdbc:postgresql://127.0.0.1:5432/test", "postgres", ""),
    MARIADB("MariaDB", "jdbc:mariadb://127.0.0.1:3306/test", "root", "");

    final String displayName;
    final String adminUrl;
    final String user;
    final String password;

    Kind(String displayName, String adminUrl, String user, String password) {
      String property = "schedulerx.test." + name().toLowerCase(Locale.ROOT);
      this.displayName = displayName;
      this.adminUrl = System.getProperty(property + ".url", adminUrl);
      this.user = System.getProperty(property + ".user", user);
      this.password = System.getProperty(property + ".password", password);
    }
  }

  private final Kind kind;
  private final String schema;
  private final String url;
  private final ServerDatabase database;

  private TestDatabase(Kind kind, String schema, String url, ServerDatabase database) {
    this.kind = kind;
    this.schema = schema;
    this.url = url;
    this.database = database;
  }

  static TestDatabase inMemory() {
    return create(Kind.H2);
  }

  /** Creates the throwaway schema and opens the store on it (the migrations run). */
  static TestDatabase create(Kind kind) {
    String schema = "sx_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    String url =
        switch (kind) {
          case H2 -> "jdbc:h2:mem:" + schema + ";DB_CLOSE_DELAY=-1";
          case POSTGRESQL -> withParameter(kind.adminUrl, "currentSchema=" + schema);
          case MARIADB -> kind.adminUrl.replaceFirst("(//[^/]+/)[^?;]*", "$1" + schema);
        };
    switch (kind) {
      case H2 -> {}
      case POSTGRESQL -> admin(kind, "CREATE SCHEMA " + schema);
      case MARIADB -> admin(kind, "CREATE DATABASE " + schema);
    }
    try {
      return new TestDatabase(kind, schema, url, ServerDatabase.open(url, kind.user, kind.password, 10));
    } catch (RuntimeException e) {
      dropQuietly(kind, schema, e);
      throw e;
    }
  }

  Kind kind() {
    return kind;
  }

  /** The URL of the throwaway database, as the store was opened with. */
  String url() {
    return url;
  }

  String user() {
    return kind.user;
  }

  String password() {
    return kind.password;
  }

  DataSource dataSource() {
    return database.dataSource();
  }

  /** Empties the tables (ids keep counting), so each test starts from no jobs. */
  void clear() throws SQLException {
    execute("DELETE FROM sx_leader_lease");
    execute("DELETE FROM sx_master_log");
    execute("DELETE FROM sx_job_instance");
    execute("DELETE FROM sx_job");
  }

  /** Runs one statement outside the repositories, to check the schema itself. */
  int execute(String sql) throws SQLException {
    try (Connection c = dataSource().getConnection();
        Statement statement = c.createStatement()) {
      return statement.executeUpdate(sql);
    }
  }

  long count(String table) throws SQLException {
    try (Connection c = dataSource().getConnection();
        Statement statement = c.createStatement();
        var rs = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      if (kind == Kind.H2) {
        execute("DROP ALL OBJECTS");
      }
    } finally {
      database.close();
      switch (kind) {
        case H2 -> {}
        case POSTGRESQL -> admin(kind, "DROP SCHEMA " + schema + " CASCADE");
        case MARIADB -> admin(kind, "DROP DATABASE " + schema);
      }
    }
  }

  @Override
  public String toString() {
    return kind.displayName + " " + url;
  }

  /** One statement on the server's own database, outside any pool. */
  private static void admin(Kind kind, String sql) {
    try (Connection c = DriverManager.getConnection(kind.adminUrl, kind.user, kind.password);
        Statement statement = c.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          kind.displayName
              + " at "
              + kind.adminUrl
              + " (user "
              + kind.user
              + ") is unreachable or refused \""
              + sql
              + "\" ("
              + SqlErrors.describe(e)
              + "); the store compatibility tests need it: start it (.ci/run does), or point"
              + " -Dschedulerx.test."
              + kind.name().toLowerCase(Locale.ROOT)
              + ".url=… at one",
          e);
    }
  }

  private static void dropQuietly(Kind kind, String schema, RuntimeException cause) {
    try {
      switch (kind) {
        case H2 -> {}
        case POSTGRESQL -> admin(kind, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        case MARIADB -> admin(kind, "DROP DATABASE IF EXISTS " + schema);
      }
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private static String withParameter(String url, String parameter) {
    return url + (url.contains("?") ? "&" : "?") + parameter;
  }
}
