package dev.schedulerx.job;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** How a job instance runs, by SchedulerX's names for it (the wire and the APIs carry {@link #key()}). */
public enum ExecuteMode {
  /** One worker runs the processor. */
  STANDALONE("standalone"),
  /** Every worker of the group runs it; the master collects their results. */
  BROADCAST("broadcast"),
  /** A root task maps sub-tasks, spread over the group's workers (SchedulerX's three names for it). */
  PARALLEL("parallel"),
  GRID("grid"),
  BATCH("batch"),
  /** A master hands out one task per shard, as in a map. */
  SHARDING("sharding");

  private static final ExecuteMode[] VALUES = values();
  private final String key;

  ExecuteMode(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  /** A root task maps sub-tasks (Map and MapReduce jobs). */
  public boolean maps() {
    return this == PARALLEL || this == GRID || this == BATCH;
  }

  /** A master dispatches tasks across workers and keeps their state: a map, or sharding. */
  public boolean hasTaskMaster() {
    return maps() || this == SHARDING;
  }

  /** Every key, as error messages list them. */
  public static List<String> keys() {
    return Arrays.stream(values()).map(ExecuteMode::key).toList();
  }

  /** The mode named by a key, ignoring case and surrounding blanks. Cheap: containers ask once per task. */
  public static Optional<ExecuteMode> ofKey(String key) {
    if (key == null) {
      return Optional.empty();
    }
    String wanted = key.strip().toLowerCase(Locale.ROOT);
    for (ExecuteMode mode : VALUES) {
      if (mode.key.equals(wanted)) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }

  /** Like {@link #ofKey} but refuses an unknown key, naming the field and the known keys. */
  public static ExecuteMode parse(String key) {
    return ofKey(key).orElseThrow(() -> new IllegalArgumentException("executeMode \"" + key + "\": expected one of " + keys()));
  }

  /** Whether the wire's mode names a map; false for unknown names. */
  public static boolean maps(String key) {
    return ofKey(key).map(ExecuteMode::maps).orElse(false);
  }

  /** Whether the wire's mode has a task master; false for unknown names. */
  public static boolean hasTaskMaster(String key) {
    return ofKey(key).map(ExecuteMode::hasTaskMaster).orElse(false);
  }
}
