package dev.schedulerx.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.schedulerx.protocol.Server.ServerSubmitJobInstanceRequest;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.Batch;
import dev.schedulerx.protocol.RemotingSettings;
import dev.schedulerx.protocol.WorkerAddress;
import dev.schedulerx.worker.WorkerDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batched submit (batch.proto) as our server sends it, straight to a real daemon over TCP: every instance of the
 * batch starts, and one the daemon cannot read is refused alone, its answer naming it.
 */
class BatchSubmitTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir Path dir;
  private TestServer server;
  private TestDaemons daemons;
  private WorkerDaemon daemon;
  private ActorSystem sender;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.inMemory();
    daemons = new TestDaemons();
    daemon = daemons.start(server.domain(), TestServer.APP_KEY, dir.resolve("daemon"));
    daemon.awaitReady(DEADLINE);
    sender = ActorSystem.create("sender", RemotingSettings.of("127.0.0.1", 0).toConfig());
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (sender != null) {
        sender.terminate();
        sender.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    } finally {
      try {
        daemons.close();
      } finally {
        server.close();
      }
    }
  }

  /** A submit of the test processor WorkflowNode that waits for its release file in {@link #dir}. */
  private ServerSubmitJobInstanceRequest submit(long instanceId, String jobName, String content) {
    return ServerSubmitJobInstanceRequest.newBuilder()
        .setJobId(instanceId).setJobInstanceId(instanceId).setScheduleTime(1_000).setDataTime(1_000)
        .setJobType("java").setExecuteMode("standalone").setContent(content).setUser("test")
        .setJobConcurrency(1).setRegionId(0).setAppGroupId(1).setGroupId(TestServer.GROUP).setJobName(jobName)
        .setParameters("await").setInstanceParameters(dir.toString())
        .build();
  }

  private Batch.ServerSubmitJobInstancesResponse send(Batch.ServerSubmitJobInstancesRequest batch) throws Exception {
    String[] hostPort = daemon.remotingAddress().split(":");
    WorkerAddress address = new WorkerAddress(daemon.workerId(), hostPort[0], Integer.parseInt(hostPort[1]));
    Object answer = Patterns.ask(sender.actorSelection(ActorPaths.onWorker(address, ActorPaths.WORKER_JOB_INSTANCE)),
        batch, DEADLINE).toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertThat(answer).isInstanceOf(Batch.ServerSubmitJobInstancesResponse.class);
    return (Batch.ServerSubmitJobInstancesResponse) answer;
  }

  @Test
  void aBatchOfTenStartsAllTen() throws Exception {
    Batch.ServerSubmitJobInstancesRequest.Builder batch = Batch.ServerSubmitJobInstancesRequest.newBuilder();
    for (int i = 0; i < 10; i++) {
      batch.addSubmits(submit(900_000 + i, "batched-" + i, "{\"className\":\"WorkflowNode\"}"));
      Files.writeString(dir.resolve("batched-" + i), "go"); // released at once: the daemon runs 4 at a time
    }

    Batch.ServerSubmitJobInstancesResponse answer = send(batch.build());

    assertThat(answer.getOutcomesList()).hasSize(10).allSatisfy(o -> assertThat(o.getSuccess()).isTrue());
    assertThat(answer.getOutcomesList().stream().map(Batch.SubmitOutcome::getJobInstanceId).toList())
        .containsExactlyElementsOf(java.util.stream.LongStream.range(900_000, 900_010).boxed().toList());
    for (int i = 0; i < 10; i++) {
      Path started = dir.resolve("batched-" + i + ".started");
      await().atMost(DEADLINE).until(() -> Files.exists(started));
    }
  }

  @Test
  void aSubmitTheDaemonCannotReadIsRefusedAloneAndTheOthersStart() throws Exception {
    for (String job : List.of("good-1", "unreadable", "good-2")) {
      Files.writeString(dir.resolve(job), "go");
    }
    Batch.ServerSubmitJobInstancesRequest batch = Batch.ServerSubmitJobInstancesRequest.newBuilder()
        .addSubmits(submit(910_001, "good-1", "{\"className\":\"WorkflowNode\"}"))
        .addSubmits(submit(910_002, "unreadable", "not json"))
        .addSubmits(submit(910_003, "good-2", "{\"className\":\"WorkflowNode\"}"))
        .build();

    Batch.ServerSubmitJobInstancesResponse answer = send(batch);

    assertThat(answer.getOutcomesList()).hasSize(3);
    java.util.Map<Long, Batch.SubmitOutcome> byId = new java.util.HashMap<>();
    answer.getOutcomesList().forEach(o -> byId.put(o.getJobInstanceId(), o));
    assertThat(byId.get(910_001L).getSuccess()).isTrue();
    assertThat(byId.get(910_003L).getSuccess()).isTrue();
    assertThat(byId.get(910_002L).getSuccess()).isFalse();
    assertThat(byId.get(910_002L).getMessage()).contains("content is not JSON");
    for (String job : List.of("good-1", "good-2")) {
      await().atMost(DEADLINE).until(() -> Files.exists(dir.resolve(job + ".started")));
    }
    assertThat(dir.resolve("unreadable.started")).doesNotExist();
  }
}
