package dev.schedulerx.server.store;

/**
 * A write kept colliding with concurrent writers (or with a unique name) and gave up after its
 * retries; the message names the job or instance key.
 */
public final class StoreConflictException extends StoreException {

  StoreConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
