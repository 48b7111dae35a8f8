package dev.schedulerx.server.alert;

import java.time.Duration;

/**
 * A send that did not go through. {@code retryAfter} is what the target asked for (HTTP 429/503 Retry-After);
 * {@code permanent} when sending again cannot help (a rejected keyword, a bad address): recorded FAILED at once.
 */
final class SendFailure extends Exception {
  private final Duration retryAfter;
  private final boolean permanent;

  SendFailure(String message, Duration retryAfter, boolean permanent) {
    super(message, null, false, false);
    this.retryAfter = retryAfter;
    this.permanent = permanent;
  }

  static SendFailure transientFailure(String message) {
    return new SendFailure(message, null, false);
  }

  static SendFailure permanent(String message) {
    return new SendFailure(message, null, true);
  }

  Duration retryAfter() {
    return retryAfter;
  }

  boolean permanent() {
    return permanent;
  }
}
