package dev.schedulerx.server.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.alibaba.schedulerx.protocol.Server.ServerKillJobInstanceRequest;
import com.alibaba.schedulerx.protocol.Server.ServerKillJobInstanceResponse;
import com.alibaba.schedulerx.protocol.Server.ServerSubmitJobInstanceRequest;
import com.alibaba.schedulerx.protocol.Server.ServerSubmitJobInstanceResponse;
import com.alibaba.schedulerx.protocol.Worker.WorkerHeartBeatRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerHeartBeatResponse;
import com.alibaba.schedulerx.protocol.Worker.WorkerReportJobInstanceStatusRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerReportJobInstanceStatusResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.RemotingSettings;
import dev.schedulerx.server.SchedulerServer;
import dev.schedulerx.server.config.ServerSettings;
import dev.schedulerx.server.dispatch.InstanceLifecycle;
import dev.schedulerx.server.store.InstanceState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What reaches the server between a worker taking a run and the worker's answer to the submit arriving: a kill must
 * still stop the run there, and a final report that overtakes the answer must not store the end without the worker
 * that ran it. The worker is a remoting peer over TCP that holds its answer until the test lets it go, which no real
 * worker can be made to do on demand.
 */
class UnansweredSubmitTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final String WORKER_ID = "127000000001_4243_1";
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final ObjectMapper json = new ObjectMapper();

  private final BlockingQueue<HeldSubmit> submits = new LinkedBlockingQueue<>();
  private final BlockingQueue<ServerKillJobInstanceRequest> kills = new LinkedBlockingQueue<>();
  private SchedulerServer server;
  private ActorSystem worker;

  @BeforeEach
  void start() throws Exception {
    ServerSettings settings = new ServerSettings("127.0.0.1", 0, 0, Path.of("target"),
        new ServerSettings.DatabaseSettings("jdbc:h2:mem:unanswered-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 2),
        Duration.ofSeconds(9), Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofDays(1),
        List.of(new ServerSettings.AppGroup("ns", "g", "secret")), ServerSettings.ApiSecurity.DEFAULT,
        ServerSettings.Lease.DEFAULT, TlsSettings.OFF);
    server = SchedulerServer.builder(settings).build().start();
    worker = ActorSystem.create(WORKER_ID, RemotingSettings.of("127.0.0.1", 0).toConfig());
    worker.actorOf(Props.create(HoldingWorker.class, () -> new HoldingWorker(submits, kills)), ActorPaths.WORKER_JOB_INSTANCE);
    WorkerHeartBeatRequest heartbeat = WorkerHeartBeatRequest.newBuilder().setGroupId("g").setVersion("test")
        .setWorkerId(WORKER_ID).setStarter("java").setAppKey("secret").setOnline(true).build();
    Object joined = Patterns.ask(worker.actorSelection(ActorPaths.onServer(server.remotingAddress(), ActorPaths.SERVER_HEARTBEAT)),
        heartbeat, DEADLINE).toCompletableFuture().get();
    assertThat(((WorkerHeartBeatResponse) joined).getSuccess()).isTrue();
    call("POST", "/api/v1/jobs", "{\"group\":\"g\",\"name\":\"slow\",\"processor\":\"Slow\"}");
  }

  @AfterEach
  void stop() {
    worker.terminate();
    server.close();
  }

  @Test
  void aRunKilledBeforeItsWorkersAnswerCameIsKilledOnThatWorkerOnceItAnswers() throws Exception {
    long id = call("POST", "/api/v1/jobs/slow/run", "{}").path("instanceId").asLong();
    HeldSubmit submit = submits.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertThat(submit).as("submit of instance %d", id).isNotNull();

    call("POST", "/api/v1/instances/" + id + "/kill", "");
    assertThat(instance(id).path("state").asText()).isEqualTo("KILLED");
    submit.accept(); // the worker took the run: it must be told to stop it

    ServerKillJobInstanceRequest kill = kills.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertThat(kill).as("kill sent to the worker").isNotNull();
    assertThat(kill.getJobInstanceId()).isEqualTo(id);
    assertThat(instance(id).path("state").asText()).isEqualTo("KILLED");
  }

  @Test
  void aFinalReportThatOvertakesTheAnswerIsStoredWithTheWorkerThatRanTheRun() throws Exception {
    Logger lifecycleLog = (Logger) LoggerFactory.getLogger(InstanceLifecycle.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    Level level = lifecycleLog.getLevel();
    lifecycleLog.setLevel(Level.DEBUG);
    lifecycleLog.addAppender(lines);
    try {
      long id = call("POST", "/api/v1/jobs/slow/run", "{}").path("instanceId").asLong();
      HeldSubmit submit = submits.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      assertThat(submit).as("submit of instance %d", id).isNotNull();

      CompletableFuture<Object> ack = Patterns.ask(
          worker.actorSelection(ActorPaths.onServer(server.remotingAddress(), ActorPaths.SERVER_INSTANCE_STATUS)),
          WorkerReportJobInstanceStatusRequest.newBuilder().setJobId(submit.request().getJobId()).setJobInstanceId(id)
              .setStatus(InstanceState.FAILED.value()).setResult("disk full").setDeliveryId(7).build(),
          DEADLINE).toCompletableFuture();
      // The report is at the server before the answer leaves the worker.
      await().atMost(DEADLINE).until(() -> lines.list.stream()
          .anyMatch(e -> e.getFormattedMessage().equals("instance " + id + ": final report stored once its submit is answered")));
      assertThat(instance(id).path("finishedAt").isTextual()).as("finished before its worker is known").isFalse();

      submit.accept();

      assertThat(((WorkerReportJobInstanceStatusResponse) ack.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).getDeliveryId())
          .isEqualTo(7);
      JsonNode ended = instance(id);
      assertThat(ended.path("state").asText()).isEqualTo("FAILED");
      assertThat(ended.path("result").asText()).isEqualTo("disk full");
      assertThat(ended.path("workerId").asText()).isEqualTo(WORKER_ID);
      assertThat(Instant.parse(ended.path("startedAt").asText())).isBeforeOrEqualTo(Instant.parse(ended.path("finishedAt").asText()));
    } finally {
      lifecycleLog.detachAppender(lines);
      lifecycleLog.setLevel(level);
    }
  }

  private JsonNode instance(long id) throws Exception {
    return call("GET", "/api/v1/instances/" + id, null);
  }

  private JsonNode call(String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isLessThan(300);
    return response.body().isEmpty() ? json.nullNode() : json.readTree(response.body());
  }

  /** A submit the worker has not answered yet. */
  record HeldSubmit(ServerSubmitJobInstanceRequest request, ActorRef replyTo) {
    void accept() {
      replyTo.tell(ServerSubmitJobInstanceResponse.newBuilder().setSuccess(true).build(), ActorRef.noSender());
    }
  }

  /** The worker's job-instance actor: holds submits for the test to answer, confirms kills. */
  static final class HoldingWorker extends AbstractActor {
    private final BlockingQueue<HeldSubmit> submits;
    private final BlockingQueue<ServerKillJobInstanceRequest> kills;

    HoldingWorker(BlockingQueue<HeldSubmit> submits, BlockingQueue<ServerKillJobInstanceRequest> kills) {
      this.submits = submits;
      this.kills = kills;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(ServerSubmitJobInstanceRequest.class, r -> submits.add(new HeldSubmit(r, getSender())))
          .match(ServerKillJobInstanceRequest.class, k -> {
            kills.add(k);
            getSender().tell(ServerKillJobInstanceResponse.newBuilder().setSuccess(true).build(), getSelf());
          })
          .build();
    }
  }
}
