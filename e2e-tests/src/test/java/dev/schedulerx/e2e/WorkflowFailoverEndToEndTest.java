package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.e2e.Distribution.Daemon;
import dev.schedulerx.e2e.ServerCluster.Node;
import dev.schedulerx.e2e.ServerDistribution.PostgresqlSchema;
import dev.schedulerx.e2e.plugins.GateNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code bin/schedulerx-server} processes on one PostgreSQL schema; a daemon joined through the follower runs a
 * workflow wa → wb → wc, wa → wd. While wb runs, the leader is killed with SIGKILL; the other node takes over,
 * wb's end reaches it, and it finishes the DAG from the database: the workflow instance ends SUCCESS, every node
 * ran exactly once (one start each, one job instance each) and wc still reads wb's result.
 */
class WorkflowFailoverEndToEndTest {
  private static final Duration READY = Duration.ofSeconds(90);
  private static final String GROUP = "wf-ha-e2e";
  private static final String KEY = "wf-ha-key";

  @TempDir Path dir;

  @Test
  void aLeaderKilledMidWorkflowIsReplacedAndEveryNodeRunsExactlyOnce() throws Exception {
    List<Node> nodes = new ArrayList<>();
    try (PostgresqlSchema schema = PostgresqlSchema.create()) {
      try {
        for (int i = 0; i < 2; i++) {
          nodes.add(ServerCluster.startNode(schema, dir, i, GROUP, KEY, READY));
        }
        Node leader = ServerCluster.awaitLeader(nodes, null, GROUP, KEY);
        Node follower = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();

        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        TestPluginJar.write(plugins.resolve("gate.jar"), GateNode.class);
        Path work = Files.createDirectories(dir.resolve("work"));
        Path workerConf = Files.writeString(dir.resolve("worker.conf"), """
            schedulerx {
              group-id = "%s"
              app-key = "%s"
              plugins-dir = "%s"
              data-dir = "%s"
              jobs {
                wa { processor = "GateNode", time-type = api, parameters = "%s" }
                wb { processor = "GateNode", time-type = api, parameters = "%s,hold" }
                wc { processor = "GateNode", time-type = api, parameters = "%s" }
                wd { processor = "GateNode", time-type = api, parameters = "%s" }
              }
              workflows { chain { edges = ["wa -> wb", "wb -> wc", "wa -> wd"] } }
            }
            """.formatted(GROUP, KEY, plugins, dir.resolve("worker-data"), work, work, work, work));
        try (Daemon daemon = Daemon.start(workerConf, dir.resolve("worker.log"), READY,
            ServerDistribution.joining(follower.httpPort()))) {
          long runId = ServerCluster.api(leader, "POST", "/api/v1/workflows/chain/run", "{}").path("id").asLong();
          await("wb running").atMost(Duration.ofSeconds(60)).until(() -> starts(work).getOrDefault("wb", 0) == 1);

          leader.server().process.destroyForcibly(); // SIGKILL mid-workflow: no lease release, no goodbye
          assertThat(leader.server().process.waitFor(10, TimeUnit.SECONDS)).isTrue();
          Node newLeader = ServerCluster.awaitLeader(List.of(follower), Duration.ofSeconds(15), GROUP, KEY);
          Files.writeString(work.resolve("release"), "go");

          await("workflow instance finished under the new leader").atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(300))
              .until(() -> ServerCluster.api(newLeader, "GET", "/api/v1/workflow-instances/" + runId, "")
                  .path("state").asText().matches("SUCCESS|FAILED|KILLED"));
          JsonNode run = ServerCluster.api(newLeader, "GET", "/api/v1/workflow-instances/" + runId, "");
          assertThat(run.path("state").asText()).as(run.toString()).isEqualTo("SUCCESS");
          assertThat(starts(work)).as("processor starts per node").isEqualTo(Map.of("wa", 1, "wb", 1, "wc", 1, "wd", 1));
          assertThat(schema.queryOne("SELECT string_agg(job_name || ':' || n, ',' ORDER BY job_name) FROM (SELECT job_name,"
              + " COUNT(*) n FROM sx_job_instance GROUP BY job_name) c"))
              .as("job instances per job").isEqualTo("wa:1,wb:1,wc:1,wd:1");
          Map<String, String> results = new HashMap<>();
          run.path("nodes").forEach(n -> results.put(n.path("jobName").asText(), n.path("result").asText()));
          assertThat(results.get("wc")).isEqualTo("wc<-[wb=" + results.get("wb") + "]");
          assertThat(results.get("wb")).isEqualTo("wb<-[wa=wa<-[]]");
        }
      } catch (AssertionError | Exception e) {
        ServerCluster.printLogs(nodes, dir.resolve("worker.log"));
        throw e;
      } finally {
        ServerCluster.closeAll(nodes);
      }
    }
  }

  /** How often each job's processor started, from the log the processors append to. */
  private static Map<String, Integer> starts(Path work) throws Exception {
    Map<String, Integer> count = new HashMap<>();
    Path log = work.resolve("starts.log");
    if (Files.exists(log)) {
      for (String line : Files.readAllLines(log)) {
        if (!line.isBlank()) {
          count.merge(line.trim(), 1, Integer::sum);
        }
      }
    }
    return count;
  }
}
