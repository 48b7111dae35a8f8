package dev.schedulerx.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** H2's plan of a statement, as EXPLAIN shows it with every parameter bound to 1. */
public final class QueryPlans {
  private QueryPlans() {}

  public static String planOf(DataSource dataSource, String sql) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement explain = c.prepareStatement("EXPLAIN " + sql)) {
      for (int i = 1; i <= explain.getParameterMetaData().getParameterCount(); i++) {
        explain.setObject(i, 1);
      }
      try (ResultSet plan = explain.executeQuery()) {
        if (!plan.next()) {
          throw new SQLException("no plan for " + sql);
        }
        return plan.getString(1);
      }
    }
  }
}
