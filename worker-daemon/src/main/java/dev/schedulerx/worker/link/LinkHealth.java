package dev.schedulerx.worker.link;

import java.time.Clock;
import java.util.OptionalDouble;

/**
 * What the {@link ServerLink} last heard from the server, readable from any thread (the daemon's
 * {@code /healthz} and {@code /metrics}): when a heartbeat was last acknowledged, and the current problem.
 */
public final class LinkHealth {
  private final Clock clock;
  private volatile long lastAcknowledgedMillis = -1;
  private volatile String problem = "";

  public LinkHealth(Clock clock) {
    this.clock = clock;
  }

  /** The server accepted a heartbeat just now. */
  void acknowledged() {
    lastAcknowledgedMillis = clock.millis();
    problem = "";
  }

  /** Something went wrong talking to the server (one line). */
  void problem(String message) {
    problem = message;
  }

  /** Seconds since the server last acknowledged a heartbeat; empty before the first. */
  public OptionalDouble heartbeatAgeSeconds() {
    long last = lastAcknowledgedMillis;
    return last < 0 ? OptionalDouble.empty() : OptionalDouble.of(Math.max(0, clock.millis() - last) / 1000.0);
  }

  /** The last problem since the last acknowledged heartbeat; empty when there was none. */
  public String problem() {
    return problem;
  }
}
