package dev.schedulerx.worker.container;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;

/**
 * Timings and limits of the container side of distributed jobs: how task statuses are batched to an
 * instance's master and how {@code map()} calls are forwarded to it. The daemon builds them from
 * {@code schedulerx.worker.liveness}; {@link #DEFAULTS} are that block's defaults, and tests shrink them.
 *
 * @param reports status batching and redelivery
 * @param map sub-task forwarding
 * @param clock measures how long a master has been unreachable
 */
public record ContainerSettings(Reports reports, Mapping map, Clock clock) {

  /** The defaults of {@code schedulerx.worker.liveness}. */
  public static final ContainerSettings DEFAULTS =
      new ContainerSettings(Reports.DEFAULTS, Mapping.DEFAULTS, Clock.systemUTC());

  public ContainerSettings {
    requireNonNull(reports, "reports");
    requireNonNull(map, "map");
    requireNonNull(clock, "clock");
  }

  public ContainerSettings withReports(Reports reports) {
    return new ContainerSettings(reports, map, clock);
  }

  public ContainerSettings withMap(Mapping map) {
    return new ContainerSettings(reports, map, clock);
  }

  /**
   * How final task statuses travel to the master: collected per (master, instance) and sent as one batch
   * when the first pending entry is {@code flushDelay} old, or {@code maxEntries} are pending, or their
   * result texts reach {@code maxBytes}. Each batch is an ask of {@code askTimeout}; an unanswered batch is
   * re-sent after a back-off growing from {@code retryMin} to {@code retryMax}, until the master has been
   * unreachable for {@code giveUpAfter}.
   */
  public record Reports(
      Duration flushDelay,
      int maxEntries,
      int maxBytes,
      Duration askTimeout,
      Duration retryMin,
      Duration retryMax,
      Duration giveUpAfter) {

    public static final Reports DEFAULTS =
        new Reports(
            Duration.ofMillis(50), 2_000, 100_000, Duration.ofSeconds(10), Duration.ofMillis(200), Duration.ofSeconds(5),
            Duration.ofSeconds(60));

    public Reports {
      Check.positive(flushDelay, "flushDelay");
      Check.positive(askTimeout, "askTimeout");
      Check.positive(retryMin, "retryMin");
      Check.positive(retryMax, "retryMax");
      Check.positive(giveUpAfter, "giveUpAfter");
      if (maxEntries < 1 || maxBytes < 1) {
        throw new IllegalArgumentException("maxEntries and maxBytes must be positive");
      }
    }

    public Reports withAskTimeout(Duration timeout) {
      return new Reports(flushDelay, maxEntries, maxBytes, timeout, retryMin, retryMax, giveUpAfter);
    }

    public Reports withGiveUpAfter(Duration after) {
      return new Reports(flushDelay, maxEntries, maxBytes, askTimeout, retryMin, retryMax, after);
    }
  }

  /**
   * How {@code map()} sends sub-tasks to the master: bodies larger than {@code maxBodyBytes} are refused;
   * the rest go in chunks of at most {@code chunkBodies} bodies and about {@code chunkBytes} bytes, each an
   * ask of {@code askTimeout} tried up to {@code tries} times; an {@code overload} answer is retried after
   * {@code overloadPause}.
   */
  public record Mapping(
      int maxBodyBytes, int chunkBodies, int chunkBytes, Duration askTimeout, int tries, Duration overloadPause) {

    public static final Mapping DEFAULTS = new Mapping(65_536, 1_000, 100_000, Duration.ofSeconds(30), 3, Duration.ofMillis(200));

    public Mapping {
      Check.positive(askTimeout, "askTimeout");
      requireNonNull(overloadPause, "overloadPause");
      if (maxBodyBytes < 1 || chunkBodies < 1 || chunkBytes < 1 || tries < 1) {
        throw new IllegalArgumentException("map limits must be positive");
      }
    }

    public Mapping withAskTimeout(Duration timeout) {
      return new Mapping(maxBodyBytes, chunkBodies, chunkBytes, timeout, tries, overloadPause);
    }
  }

  /**
   * Checks of the nested records. Kept in a class of its own: a record calling a static method of this class
   * would initialize it, and so read {@link #DEFAULTS}'s parts while they are still being made.
   */
  private static final class Check {
    static void positive(Duration d, String name) {
      requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
    }
  }
}
