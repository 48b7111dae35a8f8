package dev.schedulerx.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.schedulerx.interop.daemon.DaemonSum;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Script jobs in a group of one official SchedulerX Java worker (1.11.4) and one of our daemons, each its own
 * JVM, on our server: the same script ends with the same status and result on either kind of worker (the server
 * hands runs of a standalone job to the group's workers in turn), and a broadcast shell job runs on both, whichever
 * kind is its master, the job type and script crossing from master to worker in both directions.
 */
@Tag("interop")
class ScriptJobsInteropTest {
  private static final Duration DEADLINE = Duration.ofSeconds(40);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static OurServer server;
  private static Processes official;
  private static Processes daemon;
  private static String officialId;

  @BeforeAll
  static void start() throws Exception {
    server = OurServer.withToken(dir, "interop-token");
    official = OfficialWorkerProcess.launch("official worker", server.domain(),
        Files.createDirectories(dir.resolve("official")).resolve("worker.log"), "256m");
    daemon = OurDaemonProcess.launch("daemon", server.domain(), dir.resolve("daemon"), "256m",
        "worker.scripts.enabled = true", DaemonSum.class);
    OfficialWorkerProcess.awaitStarted(official);
    OurDaemonProcess.awaitReady(daemon);
    await("two workers registered").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
        .until(() -> server.workers().size() == 2);
    officialId = server.workers().stream().filter(w -> "java".equals(w.path("starter").asText()))
        .map(w -> w.path("address").path("workerId").asText()).findFirst().orElseThrow();
  }

  @AfterAll
  static void stop() {
    Processes.closeEach(daemon, official, server);
  }

  @Test
  void theSameShellScriptEndsAlikeOnTheOfficialWorkerAndOnOurs() {
    upsert("shell-fails", "shell", "standalone", "echo step one; echo \"it failed: code 7 ($0)\" >&2; exit 7");
    upsert("shell-works", "shell", "standalone", "echo fine");

    Map<String, Set<String>> failed = outcomes("shell-fails");
    Map<String, Set<String>> worked = outcomes("shell-works");

    assertThat(failed).containsOnlyKeys("official", "ours");
    assertThat(failed.get("official")).containsExactly("FAILED it failed: code 7 ()");
    assertThat(failed.get("ours")).isEqualTo(failed.get("official"));
    assertThat(worked.get("official")).containsExactly("SUCCESS ");
    assertThat(worked.get("ours")).isEqualTo(worked.get("official"));
  }

  @Test
  void theSamePythonScriptEndsAlikeOnTheOfficialWorkerAndOnOurs() {
    upsert("python-fails", "python", "standalone", "import sys\nprint('args', len(sys.argv))\nsys.exit(3)");

    Map<String, Set<String>> failed = outcomes("python-fails");

    assertThat(failed).containsOnlyKeys("official", "ours");
    assertThat(failed.get("official")).containsExactly("FAILED args 2");
    assertThat(failed.get("ours")).isEqualTo(failed.get("official"));
  }

  @Test
  void aBroadcastShellJobRunsOnBothKindsWhicheverIsMaster() {
    upsert("shell-everywhere", "shell", "broadcast", "echo hello from $$");

    Map<String, Set<String>> runs = outcomes("shell-everywhere");

    assertThat(runs).containsOnlyKeys("official", "ours");
    runs.values().forEach(results -> assertThat(results).allMatch(r -> r.startsWith("SUCCESS")));
  }

  /** Four runs of the job, one after the other; their "STATE result" by the kind of worker that mastered them. */
  private static Map<String, Set<String>> outcomes(String job) {
    Map<String, Set<String>> byKind = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      JsonNode end = server.awaitFinished(server.trigger(job), DEADLINE);
      String kind = officialId.equals(end.path("workerId").asText()) ? "official" : "ours";
      byKind.computeIfAbsent(kind, k -> new java.util.TreeSet<>())
          .add(end.path("state").asText() + " " + end.path("result").asText());
    }
    return byKind;
  }

  private static void upsert(String name, String type, String mode, String script) {
    ObjectNode spec = JSON.createObjectNode().put("group", OurServer.GROUP).put("name", name).put("jobType", type)
        .put("content", script).put("executeMode", mode).put("timeType", "api");
    server.post("/api/v1/jobs", spec.toString());
  }
}
