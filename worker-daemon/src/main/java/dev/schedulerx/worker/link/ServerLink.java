package dev.schedulerx.worker.link;

import com.alibaba.schedulerx.protocol.Worker.WorkerHeartBeatRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerHeartBeatResponse;
import com.alibaba.schedulerx.protocol.Worker.WorkerReportJobInstanceProgressRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerReportJobInstanceStatusRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerReportJobInstanceStatusResponse;
import dev.schedulerx.protocol.Batch;
import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.protocol.ActorPaths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.Patterns;

/**
 * The worker's side of the server connection: discovery, heartbeats, and status reports delivered at
 * least once (kept until the server acknowledges their delivery id, re-sent on a timer and to a new
 * leader).
 */
public final class ServerLink extends AbstractBehavior<ServerLink.Command> {

  /** What the link accepts. */
  public sealed interface Command
      permits ReportStatus, ReportProgress, GoOffline, AskServer, Tick, Discovered, DiscoveryFailed, HeartbeatAnswered, HeartbeatLost, Acked,
          BatchAnswered, Redeliver, OfflineAnswered {}

  /** Deliver an instance status to the server (until acknowledged). */
  public record ReportStatus(long jobId, long instanceId, String groupId, InstanceStatus status, String result, String progress)
      implements Command {}

  /** Progress of a running instance (best effort: a lost one is replaced by the next). */
  public record ReportProgress(long jobId, long instanceId, String progress) implements Command {}

  /**
   * Send a last heartbeat saying this worker goes offline, then answer. Waits (up to the report retry
   * interval, twice) for unacknowledged status reports first, so the server learns how instances ended.
   */
  public record GoOffline(ActorRef<Done> replyTo) implements Command {}

  /** Ask the current leader's {@code actor} (a path name on the server); the answer or the failure completes {@code reply}. */
  public record AskServer(String actor, Object request, CompletableFuture<Object> reply) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private enum Redeliver implements Command { INSTANCE }

  /** Timer key of the early re-discovery after a failure. */
  private enum RetrySoon { INSTANCE }

  private record Discovered(Discovery.Found found) implements Command {}

  private record DiscoveryFailed(Throwable cause) implements Command {}

  private record HeartbeatAnswered(boolean success, String message) implements Command {}

  private record HeartbeatLost(String to, Throwable cause) implements Command {}

  private record Acked(long deliveryId) implements Command {}

  /** The answer to a batch of reports sent to {@code leader}: the delivery ids it stored, or why none. */
  private record BatchAnswered(String leader, List<Long> sent, List<Long> stored, Throwable failure) implements Command {}

  private record OfflineAnswered(ActorRef<Done> replyTo) implements Command {}

  /** Identity and timing of the link. */
  public record Settings(
      String workerId, String namespace, String groupId, String appKey, String endpoint, String domain, String label,
      Duration heartbeatInterval, Duration reportRetryInterval, String version, TlsSettings tls) {

    public Settings {
      Objects.requireNonNull(tls, "tls");
    }
  }

  /** After a failed discovery or heartbeat, how soon to look again (instead of a whole heartbeat interval). */
  private static final Duration RETRY_SOON = Duration.ofSeconds(1);

  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

  private final Settings settings;
  private final Discovery discovery;
  private final FirstDiscovery first;
  private final CompletableFuture<String> registered;
  private final LinkHealth health;
  private final TimerScheduler<Command> timers;
  private final Map<Long, WorkerReportJobInstanceStatusRequest> unacked = new LinkedHashMap<>();
  /** Reports (delivery ids) waiting for a batch message: those not sent yet, or to be sent again. */
  private final Set<Long> unsent = new LinkedHashSet<>();
  /** Delivery ids in batch messages sent and not answered yet. */
  private final Set<Long> inBatches = new HashSet<>();
  private int batchesInFlight;
  /** Whether the server discovery found takes many reports per message (batch.proto); not for a leader that failed one. */
  private boolean batchReports;
  private String batchesFailedAt;
  private final Set<Long> running = new HashSet<>();
  private String leader;
  private final Map<String, org.apache.pekko.actor.ActorSelection> selections = new HashMap<>();
  private String selectionsLeader;
  private boolean discovering;
  /** The server node whose discovery answered last. */
  private String discoveredVia;
  private long appGroupId;
  private long nextDeliveryId = 1;
  private String lastProblem = "";
  private boolean offline;
  private int flushWaits;

  public static Behavior<Command> create(Settings settings, CompletableFuture<String> registered) {
    return create(settings, registered, new LinkHealth(java.time.Clock.systemUTC()), FirstDiscovery.NONE);
  }

  /**
   * A link that also records heartbeat acknowledgements and problems in {@code health}, and takes the answer
   * of {@code first} (when started) as its first discovery.
   */
  public static Behavior<Command> create(Settings settings, CompletableFuture<String> registered, LinkHealth health, FirstDiscovery first) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ServerLink(ctx, timers, settings, registered, health, first)));
  }

  /**
   * The first discovery, started before the worker's actor system on threads of its own: it needs nothing
   * but HTTP, so its answer is there when the link starts and the first heartbeat goes out at once (it was
   * a tenth of a daemon's start). Taken once: a restarted link discovers anew.
   */
  public static final class FirstDiscovery {
    static final FirstDiscovery NONE = new FirstDiscovery(null);
    private final AtomicReference<CompletableFuture<Discovery.Found>> answer;

    private FirstDiscovery(CompletableFuture<Discovery.Found> answer) {
      this.answer = new AtomicReference<>(answer);
    }

    /**
     * Starts once {@code serverUp} completed: an embedded server may still be starting (completed at once otherwise).
     * The answer reaches the link, which then sends the first heartbeat, once {@code workerReady} completed too.
     */
    public static FirstDiscovery start(Settings settings, CompletableFuture<?> serverUp, CompletableFuture<?> workerReady) {
      Executor ownThread = task -> {
        Thread thread = new Thread(task, "first-discovery");
        thread.setDaemon(true); // a daemon that fails to start exits without waiting for it
        thread.start();
      };
      Discovery discovery = discovery(settings, ownThread);
      return new FirstDiscovery(serverUp.thenCompose(up -> discovery.discover()).thenCombine(workerReady, (found, ready) -> found));
    }

    CompletableFuture<Discovery.Found> take() {
      return answer.getAndSet(null);
    }
  }

  private static Discovery discovery(Settings settings, Executor executor) {
    return new Discovery(settings.endpoint(), settings.domain(), settings.namespace(), settings.groupId(), settings.appKey(),
        settings.tls(), executor);
  }

  private ServerLink(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, Settings settings, CompletableFuture<String> registered, LinkHealth health,
      FirstDiscovery first) {
    super(ctx);
    // Detected from the stack, the logger would be Pekko's ActorCell, whose INFO lines logback.xml filters out.
    ctx.setLoggerName(ServerLink.class);
    this.health = health;
    this.settings = settings;
    this.timers = timers;
    this.registered = registered;
    // Discovery's requests block: Pekko's dispatcher for blocking I/O, not this actor's.
    this.discovery = discovery(settings, ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking()));
    this.first = first;
    ctx.getSelf().tell(Tick.INSTANCE);
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.heartbeatInterval());
    timers.startTimerWithFixedDelay(Redeliver.INSTANCE, settings.reportRetryInterval());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(Discovered.class, this::onDiscovered)
        .onMessage(DiscoveryFailed.class, f -> {
          discovering = false;
          return retrySoon(problem("server discovery failed: " + rootMessage(f.cause())));
        })
        .onMessage(HeartbeatAnswered.class, this::onHeartbeatAnswered)
        .onMessage(HeartbeatLost.class, f -> retrySoon(problem("heartbeat to " + f.to() + " unanswered: " + rootMessage(f.cause()))))
        .onMessage(ReportStatus.class, this::onReport)
        .onMessage(ReportProgress.class, this::onProgress)
        .onMessage(Acked.class, a -> { unacked.remove(a.deliveryId()); return this; })
        .onMessage(BatchAnswered.class, this::onBatchAnswered)
        .onMessageEquals(Redeliver.INSTANCE, this::onRedeliver)
        .onMessage(GoOffline.class, this::onGoOffline)
        .onMessage(AskServer.class, this::onAskServer)
        .onMessage(OfflineAnswered.class, a -> { a.replyTo().tell(Done.getInstance()); return this; })
        .build();
  }

  private Behavior<Command> onTick() {
    if (offline || discovering) {
      return this; // one discovery at a time: a slow server is not asked again before it answered
    }
    discovering = true;
    CompletableFuture<Discovery.Found> early = first.take();
    getContext().pipeToSelf(early != null ? early : discovery.discover(), (found, failure) -> failure == null ? new Discovered(found) : new DiscoveryFailed(failure));
    return this;
  }

  private Behavior<Command> onDiscovered(Discovered d) {
    discovering = false;
    if (offline) {
      return this;
    }
    boolean changed = !d.found().leader().equals(leader);
    if (changed && leader != null) {
      getContext().getLog().info("server leader moved from {} to {}", leader, d.found().leader());
    }
    if (!d.found().via().equals(discoveredVia)) {
      if (discoveredVia != null) {
        getContext().getLog().info("server discovery now through {} ({} stopped answering)", d.found().via(), discoveredVia);
      }
      discoveredVia = d.found().via();
    }
    leader = d.found().leader();
    appGroupId = d.found().appGroupId();
    boolean batches = d.found().batchStatusReports() && !leader.equals(batchesFailedAt);
    if (batches != batchReports) {
      getContext().getLog().debug("status reports to {} go {}", leader, batches ? "in batches" : "one per message");
      batchReports = batches;
    }
    sendHeartbeat(true);
    if (!lastProblem.isEmpty()) {
      retrySoon(this); // while the link is in trouble, look for a new leader every second
    }
    if (changed) {
      resendAll();
    }
    return this;
  }

  private void sendHeartbeat(boolean online) {
    String to = leader;
    getContext().pipeToSelf(
        Patterns.ask(server(ActorPaths.SERVER_HEARTBEAT), heartbeat(online), ASK_TIMEOUT),
        (reply, failure) -> {
          if (failure != null) {
            return new HeartbeatLost(to, failure);
          }
          WorkerHeartBeatResponse r = (WorkerHeartBeatResponse) reply;
          return new HeartbeatAnswered(r.getSuccess(), r.getMessage());
        });
  }

  private WorkerHeartBeatRequest heartbeat(boolean online) {
    WorkerHeartBeatRequest hb =
        WorkerHeartBeatRequest.newBuilder()
            .setGroupId(settings.groupId())
            .setVersion(settings.version())
            .setWorkerId(settings.workerId())
            .setMetricsJson(HostMetrics.json())
            .addAllJobInstanceId(running)
            .setStarter("java")
            .setAppGroupId(appGroupId)
            .setSource("unknown")
            .setLabel(settings.label())
            .setOnline(online)
            .setAppKey(settings.appKey())
            .build();
    return hb;
  }

  private Behavior<Command> onHeartbeatAnswered(HeartbeatAnswered answer) {
    if (!answer.success()) {
      return problem("server refused this worker: " + answer.message());
    }
    lastProblem = "";
    health.acknowledged();
    if (!registered.isDone()) {
      registered.complete(leader);
    }
    return this;
  }

  private Behavior<Command> onReport(ReportStatus r) {
    if (r.status().isFinished()) {
      running.remove(r.instanceId());
    } else {
      running.add(r.instanceId());
      if (r.progress() == null || r.progress().isEmpty()) {
        // The server learns that the run started from the submit's answer, and heartbeats list it: a bare
        // RUNNING would cost a round trip per instance for nothing (the official workers do not send it either).
        return this;
      }
    }
    WorkerReportJobInstanceStatusRequest.Builder b =
        WorkerReportJobInstanceStatusRequest.newBuilder()
            .setJobId(r.jobId())
            .setJobInstanceId(r.instanceId())
            .setStatus(r.status().value())
            .setDeliveryId(nextDeliveryId++)
            .setGroupId(r.groupId())
            .setProgress(r.progress() == null ? "" : r.progress());
    if (r.result() != null && !r.result().isEmpty()) {
      b.setResult(r.result());
    }
    WorkerReportJobInstanceStatusRequest request = b.build();
    unacked.put(request.getDeliveryId(), request);
    if (batchReports) {
      unsent.add(request.getDeliveryId());
      sendBatches();
    } else {
      send(request);
    }
    return this;
  }

  private Behavior<Command> onProgress(ReportProgress p) {
    if (leader != null) {
      server(ActorPaths.SERVER_MAP_MASTER).tell(
          WorkerReportJobInstanceProgressRequest.newBuilder()
              .setJobId(p.jobId()).setJobInstanceId(p.instanceId()).setProgress(p.progress()).build(),
          org.apache.pekko.actor.ActorRef.noSender());
    }
    return this;
  }

  private Behavior<Command> onRedeliver() {
    if (!unacked.isEmpty()) {
      getContext().getLog().debug("re-sending {} unacknowledged status reports", unacked.size());
      resendAll();
    }
    return this;
  }

  /** Sends every unacknowledged report again: in batches (but not those in a batch still unanswered), or one each. */
  private void resendAll() {
    if (batchReports) {
      for (long id : unacked.keySet()) {
        if (!inBatches.contains(id)) {
          unsent.add(id);
        }
      }
      sendBatches();
    } else {
      unacked.values().forEach(this::send);
    }
  }

  /** Batch messages unanswered at a time at most: reports that come meanwhile wait and go together in the next. */
  static final int BATCHES_IN_FLIGHT = 2;
  /** Reports per batch message at most. */
  static final int MAX_BATCH_REPORTS = 256;
  /** Serialized reports per batch message at most, well below remoting's maximum frame size (128,000 bytes). */
  static final int MAX_BATCH_BYTES = 96_000;

  /**
   * Sends what waits in {@link #unsent} while fewer than {@value #BATCHES_IN_FLIGHT} batches are unanswered: the first
   * report of a quiet worker goes at once (a batch of one), and the reports of a busy one share messages and acks.
   */
  private void sendBatches() {
    while (leader != null && !unsent.isEmpty() && batchesInFlight < BATCHES_IN_FLIGHT) {
      Batch.WorkerReportJobInstanceStatusesRequest.Builder batch = Batch.WorkerReportJobInstanceStatusesRequest.newBuilder();
      List<Long> ids = new ArrayList<>();
      int bytes = 0;
      for (var it = unsent.iterator(); it.hasNext() && ids.size() < MAX_BATCH_REPORTS; ) {
        long id = it.next();
        WorkerReportJobInstanceStatusRequest report = unacked.get(id);
        if (report == null) {
          it.remove(); // acknowledged meanwhile
          continue;
        }
        int size = report.getSerializedSize() + 8;
        if (!ids.isEmpty() && bytes + size > MAX_BATCH_BYTES) {
          break; // goes into the next message
        }
        it.remove();
        batch.addReports(report);
        ids.add(id);
        bytes += size;
      }
      if (ids.isEmpty()) {
        return;
      }
      inBatches.addAll(ids);
      batchesInFlight++;
      String to = leader;
      getContext().pipeToSelf(
          Patterns.ask(server(ActorPaths.SERVER_INSTANCE_STATUS), batch.build(), ASK_TIMEOUT),
          (reply, failure) -> reply instanceof Batch.WorkerReportJobInstanceStatusesResponse r
              ? new BatchAnswered(to, ids, r.getStoredDeliveryIdsList(), null)
              : new BatchAnswered(to, ids, List.of(),
                  failure != null ? failure : new IllegalStateException("unexpected reply " + reply.getClass().getSimpleName())));
    }
  }

  private Behavior<Command> onBatchAnswered(BatchAnswered answer) {
    batchesInFlight--;
    answer.sent().forEach(inBatches::remove);
    answer.stored().forEach(unacked::remove);
    if (answer.failure() != null && batchReports && answer.leader().equals(leader)) {
      // A server that says it takes batches but does not answer one (an older node leading after an upgrade, or it
      // is overloaded): one report per message to it from now on; the timer re-sends what this batch held.
      getContext().getLog().info("status reports to {} go one per message from now on: a batch of {} was not answered ({})",
          leader, answer.sent().size(), rootMessage(answer.failure()));
      batchReports = false;
      batchesFailedAt = leader;
      unsent.clear();
    }
    // Reports the server did not store wait for the timer, as an unacknowledged single report does.
    sendBatches();
    return this;
  }

  private void send(WorkerReportJobInstanceStatusRequest request) {
    if (leader == null) {
      return; // kept; sent once discovery finds a leader
    }
    getContext().pipeToSelf(
        Patterns.ask(server(ActorPaths.SERVER_INSTANCE_STATUS), request, ASK_TIMEOUT),
        (reply, failure) ->
            reply instanceof WorkerReportJobInstanceStatusResponse r && r.getSuccess()
                ? new Acked(r.getDeliveryId())
                : new Acked(-1));
  }

  private Behavior<Command> onGoOffline(GoOffline g) {
    if (!unacked.isEmpty() && leader != null && flushWaits++ < 20) {
      // Reports are re-sent by the Redeliver timer; look again shortly.
      timers.startSingleTimer(g, settings.reportRetryInterval().dividedBy(10));
      return this;
    }
    offline = true;
    timers.cancel(Tick.INSTANCE);
    if (leader == null) {
      g.replyTo().tell(Done.getInstance());
      return this;
    }
    // Answer once the server has seen it, so that the caller may then stop the actor system.
    getContext().pipeToSelf(
        Patterns.ask(server(ActorPaths.SERVER_HEARTBEAT), heartbeat(false), ASK_TIMEOUT),
        (reply, failure) -> new OfflineAnswered(g.replyTo()));
    return this;
  }

  /**
   * Looks again in {@link #RETRY_SOON} rather than a heartbeat interval later, so that a dead server node or
   * leader is replaced well within SchedulerX's 10 s failover budget. The periodic tick goes on as before.
   */
  private Behavior<Command> retrySoon(Behavior<Command> same) {
    if (!offline && !timers.isTimerActive(RetrySoon.INSTANCE) && RETRY_SOON.compareTo(settings.heartbeatInterval()) < 0) {
      timers.startSingleTimer(RetrySoon.INSTANCE, Tick.INSTANCE, RETRY_SOON);
    }
    return same;
  }

  private Behavior<Command> problem(String message) {
    health.problem(message);
    // One line per change of trouble; a link that stays down does not flood the log.
    if (!message.equals(lastProblem)) {
      getContext().getLog().warn(message);
      lastProblem = message;
    }
    return this;
  }

  /** The leader's actor; selections are kept per leader, since building one parses its path as a URI. */
  private Behavior<Command> onAskServer(AskServer ask) {
    if (leader == null) {
      ask.reply().completeExceptionally(new IllegalStateException("no server found yet"));
      return this;
    }
    Patterns.ask(server(ask.actor()), ask.request(), ASK_TIMEOUT).whenComplete((answer, failure) -> {
      if (failure != null) {
        ask.reply().completeExceptionally(failure);
      } else {
        ask.reply().complete(answer);
      }
    });
    return this;
  }

  private org.apache.pekko.actor.ActorSelection server(String actor) {
    if (!leader.equals(selectionsLeader)) {
      selections.clear();
      selectionsLeader = leader;
    }
    return selections.computeIfAbsent(actor, a -> {
      org.apache.pekko.actor.ActorSystem classic = Adapter.toClassic(getContext().getSystem());
      return classic.actorSelection(ActorPaths.onServer(ActorPaths.schemeOf(classic), leader, a));
    });
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
