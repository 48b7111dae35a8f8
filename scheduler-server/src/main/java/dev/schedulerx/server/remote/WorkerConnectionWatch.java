package dev.schedulerx.server.remote;

import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.server.dispatch.InstanceEnds;
import dev.schedulerx.server.registry.WorkerInfo;
import dev.schedulerx.server.registry.WorkerRegistry;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.Props;
import org.apache.pekko.remote.DisassociatedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops a worker as soon as its connection closed and it does not answer, instead of a heartbeat timeout later:
 * a worker killed with -9 on a live host closes its TCP connections at once, and the instances it mastered are
 * then resumed (or failed) within about two seconds. A worker whose connection merely dropped answers the probe
 * and stays.
 */
final class WorkerConnectionWatch extends AbstractActor {
  private static final Logger log = LoggerFactory.getLogger(WorkerConnectionWatch.class);
  /**
   * Tries of the probe, each waiting this long: longer than remoting's gate after a failed association (1 s),
   * so a live worker's second probe gets through even if its first met the gate.
   */
  static final Duration PROBE_TIMEOUT = Duration.ofMillis(1200);
  static final int PROBES = 2;

  private record Probe(WorkerInfo worker, int attempt) {}

  private record Answered(WorkerInfo worker, boolean alive, int attempt) {}

  private final WorkerRegistry registry;
  private final InstanceEnds ends;

  private WorkerConnectionWatch(WorkerRegistry registry, InstanceEnds ends) {
    this.registry = registry;
    this.ends = ends;
  }

  static Props props(WorkerRegistry registry, InstanceEnds ends) {
    return Props.create(WorkerConnectionWatch.class, () -> new WorkerConnectionWatch(registry, ends));
  }

  @Override
  public void preStart() {
    getContext().getSystem().getEventStream().subscribe(getSelf(), DisassociatedEvent.class);
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(DisassociatedEvent.class, this::onDisassociated)
        .match(Probe.class, this::probe)
        .match(Answered.class, this::onAnswered)
        .build();
  }

  private void onDisassociated(DisassociatedEvent event) {
    String host = event.remoteAddress().host().getOrElse(() -> "");
    Object port = event.remoteAddress().port().getOrElse(() -> null);
    String hostPort = host + ":" + port;
    Optional<WorkerInfo> worker = registry.all().stream().filter(w -> w.address().hostPort().equals(hostPort)).findFirst();
    worker.ifPresent(w -> probe(new Probe(w, 1)));
  }

  private void probe(Probe probe) {
    WorkerInfo w = probe.worker();
    String path = ActorPaths.onWorker(ActorPaths.schemeOf(getContext().getSystem()), w.address(), ActorPaths.WORKER_HEARTBEAT);
    var self = getSelf();
    getContext().getSystem().actorSelection(path).resolveOne(PROBE_TIMEOUT).toCompletableFuture()
        .whenComplete((ref, failure) -> self.tell(new Answered(w, failure == null, probe.attempt()), self));
  }

  private void onAnswered(Answered answer) {
    if (answer.alive()) {
      return;
    }
    if (answer.attempt() < PROBES) {
      probe(new Probe(answer.worker(), answer.attempt() + 1));
      return;
    }
    log.info("worker {} of group {}: connection closed and no answer to {} probe(s)", answer.worker().workerId(),
        answer.worker().groupId(), PROBES);
    registry.remove(answer.worker().address(), "its connection closed and it does not answer",
        gone -> ends.onWorkerDropped(gone, "lost its connection and does not answer"));
  }
}
