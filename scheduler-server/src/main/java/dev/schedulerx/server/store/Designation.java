package dev.schedulerx.server.store;

import java.util.List;
import java.util.Objects;

/**
 * Which workers may run a job (SchedulerX's "designated workers"): any ({@link #NONE}), the workers at the listed
 * addresses ({@link #WORKERS}) or those carrying one of the listed labels ({@link #LABELS}). When {@code
 * transferable}, a run goes to any other worker of the group while none of the designated ones is alive; otherwise
 * it fails for want of a worker.
 *
 * @param type 0 none, 1 workers, 2 labels: SchedulerX's DesignateType values
 * @param targets worker addresses ({@code host:port}) or labels; empty for {@link #NONE}
 */
public record Designation(int type, boolean transferable, List<String> targets) {
  public static final int ANY = 0;
  public static final int WORKERS = 1;
  public static final int LABELS = 2;
  public static final Designation NONE = new Designation(ANY, true, List.of());

  public Designation {
    if (type < ANY || type > LABELS) {
      throw new IllegalArgumentException("designateType must be 1 (workers) or 2 (labels), got " + type);
    }
    targets = List.copyOf(Objects.requireNonNull(targets, "targets"));
    if (type != ANY && targets.isEmpty()) {
      throw new IllegalArgumentException(
          "designating " + (type == WORKERS ? "workers" : "labels") + " needs at least one " + (type == WORKERS ? "worker" : "label"));
    }
  }

  public boolean isAny() {
    return type == ANY;
  }

  /** Targets as stored: one per line. */
  String targetsText() {
    return String.join("\n", targets);
  }

  static Designation of(int type, boolean transferable, String targetsText) {
    if (type == ANY) {
      return NONE;
    }
    List<String> targets = targetsText == null ? List.of()
        : targetsText.lines().map(String::strip).filter(t -> !t.isEmpty()).toList();
    return new Designation(type, transferable, targets);
  }
}
