package dev.schedulerx.server.registry;

import dev.schedulerx.protocol.WorkerAddress;
import java.time.Instant;
import java.util.List;

/** What the server knows of one worker, as of its last heartbeat. */
public record WorkerInfo(
    String groupId,
    WorkerAddress address,
    String version,
    String starter,
    String label,
    String metricsJson,
    List<Long> runningInstances,
    Instant firstSeen,
    Instant lastHeartbeat) {

  public WorkerInfo {
    runningInstances = List.copyOf(runningInstances);
  }

  public String workerId() {
    return address.workerId();
  }
}
