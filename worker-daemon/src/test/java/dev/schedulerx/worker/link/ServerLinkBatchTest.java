package dev.schedulerx.worker.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.schedulerx.protocol.Worker.WorkerHeartBeatRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerHeartBeatResponse;
import com.alibaba.schedulerx.protocol.Worker.WorkerReportJobInstanceStatusRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerReportJobInstanceStatusResponse;
import com.sun.net.httpserver.HttpServer;
import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.Batch;
import dev.schedulerx.protocol.RemotingSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Status reports in batches (batch.proto) against a stand-in server whose discovery says whether it takes them and
 * whose status endpoint records what arrives: a server that takes them gets many reports per message, each once; an
 * official server (no capability header) gets one per message; a server that says it takes them but answers none
 * still gets every report, one per message, once the batch went unanswered.
 */
class ServerLinkBatchTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private ActorSystem serverSystem;
  private HttpServer http;
  private ActorTestKit kit;
  /** Every report the server received: instance id, and whether it came in a batch. */
  private final List<Received> received = new CopyOnWriteArrayList<>();
  /** Batch messages received, with their sizes. */
  private final List<Integer> batches = new CopyOnWriteArrayList<>();

  private record Received(long instanceId, boolean inBatch) {}

  @AfterEach
  void stop() throws Exception {
    if (kit != null) {
      kit.shutdownTestKit();
    }
    if (http != null) {
      http.stop(0);
    }
    if (serverSystem != null) {
      serverSystem.terminate();
      serverSystem.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** The stand-in's status endpoint: acknowledges single reports; answers batches only when {@code answerBatches}. */
  private static final class StatusEndpoint extends AbstractActor {
    private final ServerLinkBatchTest test;
    private final boolean answerBatches;

    StatusEndpoint(ServerLinkBatchTest test, boolean answerBatches) {
      this.test = test;
      this.answerBatches = answerBatches;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(WorkerReportJobInstanceStatusRequest.class, r -> {
            test.received.add(new Received(r.getJobInstanceId(), false));
            getSender().tell(WorkerReportJobInstanceStatusResponse.newBuilder().setSuccess(true)
                .setDeliveryId(r.getDeliveryId()).build(), getSelf());
          })
          .match(Batch.WorkerReportJobInstanceStatusesRequest.class, b -> {
            test.batches.add(b.getReportsCount());
            if (!answerBatches) {
              return; // as a server that does not know the message: no answer
            }
            Batch.WorkerReportJobInstanceStatusesResponse.Builder answer = Batch.WorkerReportJobInstanceStatusesResponse.newBuilder();
            for (WorkerReportJobInstanceStatusRequest r : b.getReportsList()) {
              test.received.add(new Received(r.getJobInstanceId(), true));
              answer.addStoredDeliveryIds(r.getDeliveryId());
            }
            getSender().tell(answer.build(), getSelf());
          })
          .build();
    }
  }

  private static final class Heartbeats extends AbstractActor {
    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(WorkerHeartBeatRequest.class, hb -> getSender().tell(WorkerHeartBeatResponse.newBuilder().setSuccess(true).build(), getSelf()))
          .build();
    }
  }

  /** Starts the stand-in server and a link to it; answers the link once it registered. */
  private ActorRef<ServerLink.Command> linkTo(boolean saysItTakesBatches, boolean answersBatches) throws Exception {
    serverSystem = ActorSystem.create(ActorPaths.SERVER_SYSTEM, RemotingSettings.of("127.0.0.1", 0).toConfig());
    serverSystem.actorOf(Props.create(StatusEndpoint.class, () -> new StatusEndpoint(this, answersBatches)), ActorPaths.SERVER_INSTANCE_STATUS);
    serverSystem.actorOf(Props.create(Heartbeats.class, Heartbeats::new), ActorPaths.SERVER_HEARTBEAT);
    var address = serverSystem.provider().getDefaultAddress();
    String leader = address.getHost().orElseThrow() + ":" + address.getPort().orElseThrow();
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/worker/v1/appgroup/getId", exchange -> answer(exchange, "\"1\"", false));
    http.createContext("/worker/v1/appgroup/getLeaderAddr", exchange -> answer(exchange, "\"" + leader + "\"", saysItTakesBatches));
    http.start();

    String workerId = "127000000001_" + ProcessHandle.current().pid() + "_batch";
    kit = ActorTestKit.create(workerId, RemotingSettings.of("127.0.0.1", 0).toConfig());
    CompletableFuture<String> registered = new CompletableFuture<>();
    ServerLink.Settings settings = new ServerLink.Settings(workerId, "ns", "g", "key", "",
        "127.0.0.1:" + http.getAddress().getPort(), "", Duration.ofMillis(200), Duration.ofMillis(300), "test", TlsSettings.OFF);
    ActorRef<ServerLink.Command> link = kit.spawn(ServerLink.create(settings, registered), "server-link");
    registered.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    return link;
  }

  private static void answer(com.sun.net.httpserver.HttpExchange exchange, String data, boolean capability) throws IOException {
    byte[] body = ("{\"success\":true,\"code\":200,\"message\":\"\",\"data\":" + data + "}").getBytes(StandardCharsets.UTF_8);
    if (capability) {
      exchange.getResponseHeaders().add(Discovery.CAPABILITIES_HEADER, Discovery.BATCH_STATUS_REPORTS);
    }
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static void reportEnds(ActorRef<ServerLink.Command> link, int from, int count) {
    for (long id = from; id < from + count; id++) {
      link.tell(new ServerLink.ReportStatus(7, id, "g", InstanceStatus.SUCCESS, "result " + id, null));
    }
  }

  private Map<Long, Integer> timesReceived() {
    Map<Long, Integer> times = new ConcurrentHashMap<>();
    received.forEach(r -> times.merge(r.instanceId(), 1, Integer::sum));
    return times;
  }

  @Test
  void aServerThatTakesBatchesGetsManyReportsPerMessageEachOnce() throws Exception {
    ActorRef<ServerLink.Command> link = linkTo(true, true);

    reportEnds(link, 1_000, 200);

    await().atMost(DEADLINE).until(() -> timesReceived().size() == 200);
    assertThat(received).allSatisfy(r -> assertThat(r.inBatch()).isTrue());
    assertThat(batches).as("batch messages for 200 reports").hasSizeLessThan(200);
    // Acknowledged: none comes again when the re-delivery timer (300 ms) fires a few times.
    await().during(Duration.ofSeconds(1)).atMost(DEADLINE).until(() -> received.size() == 200);
    assertThat(timesReceived().values()).containsOnly(1);
  }

  @Test
  void anOfficialServerGetsOneReportPerMessage() throws Exception {
    ActorRef<ServerLink.Command> link = linkTo(false, false);

    reportEnds(link, 2_000, 20);

    await().atMost(DEADLINE).until(() -> timesReceived().size() == 20);
    assertThat(batches).isEmpty();
    assertThat(received).allSatisfy(r -> assertThat(r.inBatch()).isFalse());
  }

  @Test
  void aServerThatLeavesABatchUnansweredGetsEveryReportOnePerMessage() throws Exception {
    ActorRef<ServerLink.Command> link = linkTo(true, false);

    reportEnds(link, 3_000, 20);

    // The batch waits for its answer (5 s), then the reports go one by one, and the ones after them too.
    await().atMost(DEADLINE).until(() -> timesReceived().size() == 20);
    assertThat(batches).isNotEmpty();
    reportEnds(link, 4_000, 5);
    await().atMost(DEADLINE).until(() -> timesReceived().size() == 25);
    assertThat(received).allSatisfy(r -> assertThat(r.inBatch()).isFalse());
  }
}
