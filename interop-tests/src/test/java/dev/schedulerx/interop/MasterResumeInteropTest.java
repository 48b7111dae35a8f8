package dev.schedulerx.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.interop.official.OfficialSum;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Master resume in a mixed group: the official SchedulerX Java worker and two of our daemons run one two-level
 * MapReduce mastered by a daemon; that daemon is killed with -9 half way, the other daemon carries the same
 * instance on, and the official worker's share (its in-flight sub-tasks run again, its late reports go to the
 * dead master) still adds up to the exact sum.
 */
@Tag("interop")
class MasterResumeInteropTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final int N = 12000;

  @TempDir static Path dir;
  private static MixedGroup group;
  private static OurServer server;
  private static Processes official;
  private static Processes daemonA;
  private static Processes daemonB;

  @BeforeAll
  static void start() throws Exception {
    // Progress five times a second: the kill waits for the master's word that the official worker's results are logged.
    group = MixedGroup.start(dir, DEADLINE, "worker.dispatch.progress-interval = 200ms");
    server = group.server;
    official = group.official;
    daemonA = group.daemonA;
    daemonB = group.daemonB;
    server.upsertJob("resume-sum", OfficialSum.class.getName(), "grid", N + ",3");
  }

  @AfterAll
  static void stop() {
    if (group != null) {
      group.close();
    }
  }

  @Test
  void aDaemonMasterKilledHalfWayIsReplacedByTheOtherDaemonAndTheMixedGroupsSumIsExact() throws Exception {
    long id = instanceMasteredByADaemon();
    Processes master = masterOf(id);
    // The official worker may start taking tasks later than the daemons, and runs none after the resume (it keeps an
    // instance bound to its first master): its share of the sum is what the dead master's log holds. So the kill
    // waits until each worker has results and the master says the server has stored all it had finished by then.
    long[] finishedByThen = new long[1];
    await("a third of the numbers done, some by each of the three workers").atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
        .until(() -> {
          JsonNode instance = server.instance(id);
          finishedByThen[0] = finished(instance);
          return finishedByThen[0] >= N / 3 && workersWithResults(instance) == 3;
        });
    await("those results stored in the master's log").atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
        .until(() -> progress(server.instance(id)).path("resumable").path("finished").asLong() >= finishedByThen[0]);

    ProcessHandle.of(master.pid()).ifPresent(ProcessHandle::destroyForcibly);
    assertThat(master.process.waitFor(10, TimeUnit.SECONDS)).isTrue();

    Processes heir = master == daemonA ? daemonB : daemonA;
    try {
      JsonNode end = server.awaitFinished(id, DEADLINE);
      assertThat(end.path("state").asText()).as(end.toString()).isEqualTo("SUCCESS");
      assertThat(end.path("result").asText()).startsWith((long) N * (N + 1) / 2 + " by ").contains("official-" + official.pid());
      assertThat(end.path("workerId").asText()).contains("_" + heir.pid() + "_");
      assertThat(end.path("attempt").asInt()).isZero();
      assertThat(heir.logText()).contains("instance " + id + ": resumed at epoch 1 from");
    } catch (RuntimeException | AssertionError e) {
      System.err.println("---- instance: " + server.instance(id));
      for (Processes p : List.of(master, heir, official, server.process)) {
        System.err.println("---- " + p.name + ":\n" + Processes.tail(p.logText(), 20_000));
      }
      throw e;
    }
  }

  /** Runs the job until the server picks a daemon as its master (it rotates), killing runs the official worker masters. */
  private static long instanceMasteredByADaemon() {
    for (int attempt = 0; attempt < 6; attempt++) {
      long id = server.trigger("resume-sum");
      await("master chosen").atMost(DEADLINE).until(() -> !server.instance(id).path("workerId").asText("").isEmpty());
      if (masterOf(id) != null) {
        return id;
      }
      server.post("/api/v1/instances/" + id + "/kill", "");
      server.awaitFinished(id, DEADLINE);
    }
    throw new AssertionError("the server never picked a daemon as master");
  }

  /** The daemon mastering the instance, or null when it is the official worker. */
  private static Processes masterOf(long id) {
    String workerId = server.instance(id).path("workerId").asText();
    for (Processes daemon : List.of(daemonA, daemonB)) {
      if (workerId.contains("_" + daemon.pid() + "_")) {
        return daemon;
      }
    }
    return null;
  }

  private static long workersWithResults(JsonNode instance) throws Exception {
    return finishedByWorker(instance).stream().filter(finished -> finished > 0).count();
  }

  private static long finished(JsonNode instance) throws Exception {
    return finishedByWorker(instance).stream().mapToLong(Long::longValue).sum();
  }

  /** Tasks each worker finished, from the progress the master reports. */
  private static List<Long> finishedByWorker(JsonNode instance) throws Exception {
    List<Long> finished = new ArrayList<>();
    for (JsonNode w : progress(instance).path("workerProgress")) {
      finished.add(w.path("success").asLong() + w.path("failed").asLong());
    }
    return finished;
  }

  private static JsonNode progress(JsonNode instance) throws Exception {
    return new ObjectMapper().readTree(instance.path("progress").asText("{}"));
  }
}
