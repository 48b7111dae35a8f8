package dev.schedulerx.server.store;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientException;

/** Classifies SQL errors by SQLSTATE class, which H2, PostgreSQL and MariaDB report alike. */
final class SqlErrors {
  private SqlErrors() {}

  /** Integrity constraint violation (class 23): duplicate key, missing parent row, NOT NULL. */
  static boolean isConstraintViolation(SQLException e) {
    return e instanceof SQLIntegrityConstraintViolationException || hasState(e, "23");
  }

  /**
   * Serialization failure or deadlock (class 40), or a lock timeout: worth retrying in a new
   * transaction.
   */
  static boolean isTransient(SQLException e) {
    return e instanceof SQLTransientException || hasState(e, "40");
  }

  /** One line: SQLSTATE and the driver's first message line. */
  static String describe(SQLException e) {
    String message =
        e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage());
    return e.getSQLState() == null ? message : "[" + e.getSQLState() + "] " + message;
  }

  static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return (newline < 0 ? text : text.substring(0, newline)).trim();
  }

  private static boolean hasState(SQLException e, String sqlStateClass) {
    String state = e.getSQLState();
    return state != null && state.startsWith(sqlStateClass);
  }
}
