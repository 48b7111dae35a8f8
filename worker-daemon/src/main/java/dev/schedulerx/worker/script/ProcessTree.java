package dev.schedulerx.worker.script;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stops a script with everything it started: SIGTERM to the process and all its descendants, then, for
 * whatever still runs after the grace period, SIGKILL. The tree is listed before the first signal, since a
 * child whose parent died is re-parented and no longer found below the script.
 */
final class ProcessTree {
  private ProcessTree() {}

  /**
   * Stops {@code root}'s tree; returns once every process of it has exited or was sent SIGKILL.
   *
   * @return how many processes were still alive and got SIGKILL
   */
  static int stop(ProcessHandle root, Duration grace) {
    List<ProcessHandle> tree = tree(root);
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    try {
      while (tree.stream().anyMatch(ProcessTree::alive) && System.nanoTime() < deadline) {
        Thread.sleep(POLL_MILLIS); // exits of processes that are not our children cannot be awaited otherwise
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // asked again to stop: no more grace
    }
    int killed = 0;
    List<ProcessHandle> alive = new ArrayList<>();
    for (ProcessHandle p : tree) {
      if (alive(p)) {
        alive.add(p);
        p.descendants().forEach(alive::add); // whatever it started meanwhile
      }
    }
    for (ProcessHandle p : alive) {
      if (alive(p) && p.destroyForcibly()) {
        killed++;
      }
    }
    return killed;
  }

  private static final long POLL_MILLIS = 20;

  /**
   * Whether the process still runs. A zombie does not: an orphan's exit status waits for a PID 1 that reaps,
   * which a container's first process may never do, and {@link ProcessHandle#isAlive()} counts zombies as alive.
   */
  static boolean alive(ProcessHandle p) {
    if (!p.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
      int end = stat.lastIndexOf(')');
      return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return p.isAlive(); // no /proc (not Linux) or gone meanwhile
    }
  }

  /** {@code root} and its descendants, children before the root is signalled. */
  static List<ProcessHandle> tree(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    return tree;
  }
}
