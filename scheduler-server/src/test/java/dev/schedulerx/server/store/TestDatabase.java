package dev.schedulerx.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A fresh in-memory H2 database with the production migrations; emptied (its memory freed) on
 * close.
 */
final class TestDatabase implements AutoCloseable {
  private final ServerDatabase database;

  private TestDatabase(ServerDatabase database) {
    this.database = database;
  }

  static TestDatabase inMemory() {
    String url = "jdbc:h2:mem:store-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    return new TestDatabase(ServerDatabase.open(url, "sa", "", 10));
  }

  DataSource dataSource() {
    return database.dataSource();
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
      execute("DROP ALL OBJECTS");
    } finally {
      database.close();
    }
  }
}
