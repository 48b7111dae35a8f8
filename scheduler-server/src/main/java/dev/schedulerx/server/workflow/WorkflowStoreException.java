package dev.schedulerx.server.workflow;

import dev.schedulerx.server.store.StoreException;
import java.sql.SQLException;

/** A workflow statement failed; the message says what was being done, with its ids. */
public final class WorkflowStoreException extends StoreException {
  WorkflowStoreException(String action, SQLException cause) {
    super("could not " + action + ": " + (cause.getSQLState() == null ? "" : "[" + cause.getSQLState() + "] ")
        + firstLine(cause.getMessage()), cause);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
