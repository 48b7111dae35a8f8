package dev.schedulerx.server.store;

/**
 * Base of the store's unchecked exceptions, so callers can catch every persistence failure in one
 * place while the subclasses tell opening, query and conflict failures apart. Messages name the ids
 * involved.
 */
public abstract class StoreException extends RuntimeException {

  protected StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
