package dev.schedulerx.server.registry;

import dev.schedulerx.protocol.WorkerAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live workers per group, fed by heartbeats. Read by the HTTP threads (discovery, API) and the due-pass,
 * written by the heartbeat endpoint, so it is a concurrent map rather than an actor.
 *
 * <p>A worker is known by its whole address ({@code workerId@host:port}): the official Java worker's id is its
 * IP, a namespace hash and the start time's milliseconds, so two of them started in the same millisecond on
 * one host share an id.
 */
public final class WorkerRegistry {
  private static final Logger log = LoggerFactory.getLogger(WorkerRegistry.class);

  private final Clock clock;
  private final Duration timeout;
  private final ConcurrentMap<String, WorkerInfo> byAddress = new ConcurrentHashMap<>();
  private final AtomicLong roundRobin = new AtomicLong();

  public WorkerRegistry(Clock clock, Duration timeout) {
    this.clock = clock;
    this.timeout = timeout;
  }

  /** Records a heartbeat; returns true when the worker is new (or came back). */
  public boolean heartbeat(WorkerInfo reported) {
    Instant now = clock.instant();
    boolean[] joined = {false};
    byAddress.compute(
        reported.address().toString(),
        (id, previous) -> {
          joined[0] = previous == null;
          Instant firstSeen = previous == null ? now : previous.firstSeen();
          return new WorkerInfo(
              reported.groupId(), reported.address(), reported.version(), reported.starter(), reported.label(),
              reported.metricsJson(), reported.runningInstances(), firstSeen, now);
        });
    if (joined[0]) {
      log.info("worker {} joined group {} at {}", reported.workerId(), reported.groupId(), reported.address().hostPort());
    }
    return joined[0];
  }

  /** A worker that said it is going offline; {@code onRemoved} gets it when it was known. */
  public void remove(WorkerAddress address, String why, Consumer<WorkerInfo> onRemoved) {
    WorkerInfo gone = byAddress.remove(address.toString());
    if (gone != null) {
      log.info("worker {} left group {}: {}", address.workerId(), gone.groupId(), why);
      onRemoved.accept(gone);
    }
  }

  /** Drops workers whose last heartbeat is older than the timeout and hands each to {@code onDropped}. */
  public List<WorkerInfo> expire(Consumer<WorkerInfo> onDropped) {
    Instant cutoff = clock.instant().minus(timeout);
    List<WorkerInfo> dropped = new ArrayList<>();
    for (WorkerInfo w : byAddress.values()) {
      if (w.lastHeartbeat().isBefore(cutoff) && byAddress.remove(w.address().toString(), w)) {
        log.warn("worker {} of group {} dropped: no heartbeat since {}", w.workerId(), w.groupId(), w.lastHeartbeat());
        dropped.add(w);
        onDropped.accept(w);
      }
    }
    return dropped;
  }

  /** Live workers of a group, oldest first (stable order for dispatch and display). */
  public List<WorkerInfo> workers(String groupId) {
    return byAddress.values().stream()
        .filter(w -> w.groupId().equals(groupId))
        .sorted(Comparator.comparing(WorkerInfo::firstSeen).thenComparing(w -> w.address().toString()))
        .toList();
  }

  public List<WorkerInfo> all() {
    return byAddress.values().stream()
        .sorted(Comparator.comparing(WorkerInfo::groupId).thenComparing(WorkerInfo::firstSeen))
        .toList();
  }

  public boolean isAlive(WorkerAddress address) {
    return byAddress.containsKey(address.toString());
  }

  /** The live workers of a group, rotated so successive instances start on different masters. */
  public List<WorkerInfo> rotation(String groupId) {
    List<WorkerInfo> workers = workers(groupId);
    if (workers.size() < 2) {
      return workers;
    }
    int start = (int) (roundRobin.getAndIncrement() % workers.size());
    List<WorkerInfo> rotated = new ArrayList<>(workers.subList(start, workers.size()));
    rotated.addAll(workers.subList(0, start));
    return rotated;
  }
}
