package dev.schedulerx.server.store;

/**
 * Why an instance was created: by its schedule, through the API ("run now"), as an automatic instance-level retry
 * of a failed run (same schedule time, next attempt), as a retry an operator asked for, or as a back-fill run of a
 * past schedule time. Stored by name; {@link #value()} is SchedulerX's TriggerType code.
 */
public enum TriggerType {
  SCHEDULE(1),
  API(3),
  RETRY(5),
  USER_RETRY(4),
  RERUN(2);

  private final int value;

  TriggerType(int value) {
    this.value = value;
  }

  /** Whether the run continues an earlier one of its slot (an automatic or an operator's retry). */
  public boolean isRetry() {
    return this == RETRY || this == USER_RETRY;
  }

  /** Whether the run is for its schedule time now, so that the delay from it to the start is a latency. */
  public boolean isOnTime() {
    return this == SCHEDULE || this == API;
  }

  /** SchedulerX's code: 1 schedule, 2 rerun, 3 api, 4 user retry, 5 system retry. */
  public int value() {
    return value;
  }
}
