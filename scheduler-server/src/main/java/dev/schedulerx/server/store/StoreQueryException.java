package dev.schedulerx.server.store;

import java.sql.SQLException;

/**
 * A statement failed while the store was in use; the message says what was being done, with its
 * ids.
 */
public final class StoreQueryException extends StoreException {

  StoreQueryException(String action, SQLException cause) {
    super("could not " + action + ": " + SqlErrors.describe(cause), cause);
  }
}
