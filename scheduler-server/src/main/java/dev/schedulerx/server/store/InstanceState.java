package dev.schedulerx.server.store;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The server's view of a job instance's status, with the SchedulerX wire numbers (SEMANTICS.md §3),
 * so the number stored is the number reported. KILLED (6) is counted as finished here, unlike Go's
 * enum: the server ends an instance it killed in this state.
 */
public enum InstanceState {
  UNKNOWN(0, false),
  WAITING(1, false),
  READY(2, false),
  RUNNING(3, false),
  SUCCESS(4, true),
  FAILED(5, true),
  KILLED(6, true),
  PAUSED(7, false),
  SUBMITTED(8, false),
  REJECTED(9, false),
  ACCEPTED(10, false),
  PARTIAL_FAILED(11, false),
  SKIPPED(12, true),
  REMOVED(99, true);

  private final int value;
  private final boolean finished;

  InstanceState(int value, boolean finished) {
    this.value = value;
    this.finished = finished;
  }

  /** The SchedulerX wire number. */
  public int value() {
    return value;
  }

  /** True for SUCCESS, FAILED, KILLED, SKIPPED and REMOVED: no further transition is accepted. */
  public boolean isFinished() {
    return finished;
  }

  /**
   * @throws IllegalArgumentException for a number that is not a known state
   */
  public static InstanceState fromValue(int value) {
    for (InstanceState state : values()) {
      if (state.value == value) {
        return state;
      }
    }
    throw new IllegalArgumentException("unknown instance state " + value);
  }

  /** The wire numbers of the finished states, comma-separated, for SQL {@code IN} lists. */
  /** The wire values of the states that are not final, as a SQL list: an IN over them can use an index. */
  static String unfinishedValuesSql() {
    return Arrays.stream(values())
        .filter(s -> !s.isFinished())
        .map(s -> Integer.toString(s.value))
        .collect(Collectors.joining(", "));
  }

  static String finishedValuesSql() {
    return Arrays.stream(values())
        .filter(InstanceState::isFinished)
        .map(s -> Integer.toString(s.value))
        .collect(Collectors.joining(", "));
  }
}
