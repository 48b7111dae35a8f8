package dev.schedulerx.server.dispatch;

import dev.schedulerx.server.registry.WorkerInfo;
import dev.schedulerx.server.store.Designation;
import java.util.List;

/**
 * Narrows a group's live workers to a job's designated ones: those whose address ({@code host:port}, the worker id
 * or the host alone) or label is listed. While none of them is alive, a transferable designation falls back to the
 * whole group and a strict one leaves no candidate.
 */
public final class DesignatedWorkers {
  private DesignatedWorkers() {}

  public static List<WorkerInfo> pick(Designation designation, List<WorkerInfo> live) {
    if (designation.isAny()) {
      return live;
    }
    List<WorkerInfo> chosen = live.stream().filter(w -> matches(designation, w)).toList();
    return chosen.isEmpty() && designation.transferable() ? live : chosen;
  }

  public static boolean matches(Designation designation, WorkerInfo worker) {
    return switch (designation.type()) {
      case Designation.WORKERS -> designation.targets().stream().anyMatch(t ->
          t.equals(worker.address().hostPort()) || t.equals(worker.workerId()) || t.equals(worker.address().host()));
      case Designation.LABELS -> worker.label() != null && designation.targets().contains(worker.label());
      default -> true;
    };
  }

  /** Why nobody could take the run, for the instance's result. */
  static String noneAlive(Designation designation, String groupId) {
    return "no live designated worker in group " + groupId + " ("
        + (designation.type() == Designation.WORKERS ? "workers " : "labels ") + designation.targets()
        + ", not transferable)";
  }
}
