package dev.schedulerx.server.store;

/**
 * The database could not be reached or its schema could not be migrated at start-up. The message
 * names the JDBC URL with any password removed.
 */
public final class StoreOpenException extends StoreException {

  StoreOpenException(String message, Throwable cause) {
    super(message, cause);
  }
}
