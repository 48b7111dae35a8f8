package dev.schedulerx.server.remote;

import com.alibaba.schedulerx.protocol.Worker.WorkerHeartBeatRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerHeartBeatResponse;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.WorkerAddress;
import dev.schedulerx.server.dispatch.InstanceEnds;
import dev.schedulerx.server.group.GroupGuard;
import dev.schedulerx.server.registry.WorkerInfo;
import dev.schedulerx.server.registry.WorkerRegistry;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /user/heartbeat}: workers announce themselves here every few seconds (an ask from a temporary
 * actor). A classic actor because the reply goes to the message's sender, which typed actors do not see.
 */
final class HeartbeatEndpoint extends AbstractActor {
  private static final Logger log = LoggerFactory.getLogger(HeartbeatEndpoint.class);

  private final WorkerRegistry registry;
  private final GroupGuard groups;
  private final InstanceEnds ends;
  private final Set<String> refusedWorkers = ConcurrentHashMap.newKeySet();

  private final Supplier<Optional<String>> leaderRemoting;

  private HeartbeatEndpoint(
      WorkerRegistry registry, GroupGuard groups, InstanceEnds ends, Supplier<Optional<String>> leaderRemoting) {
    this.registry = registry;
    this.groups = groups;
    this.ends = ends;
    this.leaderRemoting = leaderRemoting;
  }

  static Props props(
      WorkerRegistry registry, GroupGuard groups, InstanceEnds ends, Supplier<Optional<String>> leaderRemoting) {
    return Props.create(HeartbeatEndpoint.class, () -> new HeartbeatEndpoint(registry, groups, ends, leaderRemoting));
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder().match(WorkerHeartBeatRequest.class, this::onHeartbeat).build();
  }

  private void onHeartbeat(WorkerHeartBeatRequest hb) {
    Optional<String> leader = leaderRemoting.get();
    if (leader.isPresent()) {
      // A worker with a stale leader address joins the leader, which answers it directly (sender kept).
      getContext().getSystem()
          .actorSelection(ActorPaths.onServer(ActorPaths.schemeOf(getContext().getSystem()), leader.get(), ActorPaths.SERVER_HEARTBEAT))
          .tell(hb, getSender());
      return;
    }
    String refusal = groups.refusalFromMemory(hb.getGroupId(), hb.getAppKey());
    if (refusal != null) {
      if (refusedWorkers.add(hb.getWorkerId())) {
        log.warn("heartbeat of worker {} refused: {}", hb.getWorkerId(), refusal);
      }
      reply(false, refusal);
      return;
    }
    Address address = getSender().path().address();
    WorkerAddress workerAddress =
        new WorkerAddress(hb.getWorkerId(), address.getHost().orElse("unknown"), address.getPort().orElse(0));
    if (hb.hasOnline() && !hb.getOnline()) {
      // Instances it was master of cannot finish anymore: fail (and retry) them now, not never.
      registry.remove(workerAddress, "it went offline", worker -> ends.onWorkerDropped(worker, "went offline"));
      reply(true, "");
      return;
    }
    registry.heartbeat(
        new WorkerInfo(
            hb.getGroupId(), workerAddress, hb.getVersion(), hb.getStarter(), hb.getLabel(), hb.getMetricsJson(),
            hb.getJobInstanceIdList(), Instant.EPOCH, Instant.EPOCH));
    reply(true, "");
  }

  private void reply(boolean success, String message) {
    getSender().tell(WorkerHeartBeatResponse.newBuilder().setSuccess(success).setMessage(message).build(), getSelf());
  }
}
