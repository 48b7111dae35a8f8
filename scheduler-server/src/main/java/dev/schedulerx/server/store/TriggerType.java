package dev.schedulerx.server.store;

/**
 * Why an instance was created: by its schedule, through the API ("run now"), or as an
 * instance-level retry of a failed run (same schedule time, next attempt). Stored by name.
 */
public enum TriggerType {
  SCHEDULE,
  API,
  RETRY
}
