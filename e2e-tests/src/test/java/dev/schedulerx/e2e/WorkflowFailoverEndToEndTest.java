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
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code bin/schedulerx-server} processes on one PostgreSQL schema and a daemon joined through the follower; the
 * leader is killed with SIGKILL mid-workflow, the other node takes over and finishes the DAG from the database: the
 * workflow instance ends SUCCESS and every node ran exactly once (one start each, one job instance each).
 * <ul>
 *   <li>wa → wb → wc, wa → wd, killed while wb runs: wb's end reaches the new leader, and wc still reads wb's result.
 *   <li>a fan-out of 400 children, killed as the first children start: the dead leader was creating, linking and
 *       submitting the others, 128 at a time, so the new leader finds children in every state of that (not created,
 *       created, linked, submitted, running, ended).
 * </ul>
 */
class WorkflowFailoverEndToEndTest {
  private static final Duration READY = Duration.ofSeconds(90);
  private static final String GROUP = "wf-ha-e2e";
  private static final String KEY = "wf-ha-key";

  @TempDir Path dir;

  @Test
  void aLeaderKilledMidWorkflowIsReplacedAndEveryNodeRunsExactlyOnce() throws Exception {
    Function<Path, String> chain = work -> "jobs {\n" + gateJob("wa", work, false) + gateJob("wb", work, true)
        + gateJob("wc", work, false) + gateJob("wd", work, false)
        + "}\nworkflows { chain { edges = [\"wa -> wb\", \"wb -> wc\", \"wa -> wd\"] } }\n";
    onTwoNodes(chain, (schema, leader, follower, work) -> {
      long runId = ServerCluster.api(leader, "POST", "/api/v1/workflows/chain/run", "{}").path("id").asLong();
      await("wb running").atMost(Duration.ofSeconds(60)).until(() -> starts(work).getOrDefault("wb", 0) == 1);

      Node newLeader = killAndReplace(leader, follower);
      Files.writeString(work.resolve("release"), "go");

      JsonNode run = awaitEnd(newLeader, runId);
      assertThat(run.path("state").asText()).as(run.toString()).isEqualTo("SUCCESS");
      assertThat(starts(work)).as("processor starts per node").isEqualTo(Map.of("wa", 1, "wb", 1, "wc", 1, "wd", 1));
      assertThat(instancesPerJob(schema)).as("job instances per job").isEqualTo(Map.of("wa", 1, "wb", 1, "wc", 1, "wd", 1));
      Map<String, String> results = new HashMap<>();
      run.path("nodes").forEach(n -> results.put(n.path("jobName").asText(), n.path("result").asText()));
      assertThat(results.get("wc")).isEqualTo("wc<-[wb=" + results.get("wb") + "]");
      assertThat(results.get("wb")).isEqualTo("wb<-[wa=wa<-[]]");
    });
  }

  @Test
  void aLeaderKilledAmidAFanOutIsReplacedAndEveryChildRunsExactlyOnce() throws Exception {
    List<String> children = IntStream.range(0, 400).mapToObj(i -> "c%03d".formatted(i)).toList();
    Map<String, Integer> once = new HashMap<>(Map.of("root", 1));
    children.forEach(c -> once.put(c, 1));
    onTwoNodes(work -> {
      StringBuilder conf = new StringBuilder("jobs {\n").append(gateJob("root", work, true));
      children.forEach(c -> conf.append(gateJob(c, work, false)));
      conf.append("}\nworkflows { fan { edges = [")
          .append(children.stream().map(c -> "\"root -> " + c + "\"").collect(Collectors.joining(", "))).append("] } }\n");
      return conf.toString();
    }, (schema, leader, follower, work) -> {
      long runId = ServerCluster.api(leader, "POST", "/api/v1/workflows/fan/run", "{}").path("id").asLong();
      await("root running").atMost(Duration.ofSeconds(60)).until(() -> starts(work).getOrDefault("root", 0) == 1);
      Files.writeString(work.resolve("release"), "go");
      await("the first children started").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
          .until(() -> starts(work).size() > 1);

      Node newLeader = killAndReplace(leader, follower);

      JsonNode run = awaitEnd(newLeader, runId);
      assertThat(run.path("state").asText()).as(run.toString()).isEqualTo("SUCCESS");
      assertThat(starts(work)).as("processor starts per node").isEqualTo(once);
      assertThat(instancesPerJob(schema)).as("job instances per job").isEqualTo(once);
      run.path("nodes").forEach(n -> {
        String job = n.path("jobName").asText();
        assertThat(n.path("result").asText()).as(job).isEqualTo(job.equals("root") ? "root<-[]" : job + "<-[root=root<-[]]");
      });
    });
  }

  /** A job line running GateNode, which records its start in {@code work} and, if {@code hold}, waits for "release". */
  private static String gateJob(String name, Path work, boolean hold) {
    return "  %s { processor = \"GateNode\", time-type = api, parameters = \"%s%s\" }\n".formatted(name, work, hold ? ",hold" : "");
  }

  /** What a test does with the two server nodes and the daemon: the work dir is where GateNode records its starts. */
  private interface Scenario {
    void run(PostgresqlSchema schema, Node leader, Node follower, Path work) throws Exception;
  }

  /**
   * Starts two server nodes on a fresh PostgreSQL schema and a daemon joined through the follower, whose config
   * declares what {@code jobsAndWorkflows} gives for the work dir (GateNode jobs), then runs the scenario; the
   * nodes' and the daemon's logs are printed when it fails.
   */
  private void onTwoNodes(Function<Path, String> jobsAndWorkflows, Scenario scenario) throws Exception {
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
            %s
            }
            """.formatted(GROUP, KEY, plugins, dir.resolve("worker-data"), jobsAndWorkflows.apply(work)));
        try (Daemon daemon = Daemon.start(workerConf, dir.resolve("worker.log"), READY,
            ServerDistribution.joining(follower.httpPort()))) {
          scenario.run(schema, leader, follower, work);
        }
      } catch (AssertionError | Exception e) {
        ServerCluster.printLogs(nodes, dir.resolve("worker.log"));
        throw e;
      } finally {
        ServerCluster.closeAll(nodes);
      }
    }
  }

  /** SIGKILL of the leader (no lease release, no goodbye); answers the node that takes over. */
  private static Node killAndReplace(Node leader, Node follower) throws Exception {
    leader.server().process.destroyForcibly();
    assertThat(leader.server().process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return ServerCluster.awaitLeader(List.of(follower), Duration.ofSeconds(15), GROUP, KEY);
  }

  /** The workflow instance once it ended under {@code leader}. */
  private static JsonNode awaitEnd(Node leader, long runId) throws Exception {
    await("workflow instance finished under the new leader").atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> ServerCluster.api(leader, "GET", "/api/v1/workflow-instances/" + runId, "")
            .path("state").asText().matches("SUCCESS|FAILED|KILLED"));
    return ServerCluster.api(leader, "GET", "/api/v1/workflow-instances/" + runId, "");
  }

  /** How many job instances each job has, from the database. */
  private static Map<String, Integer> instancesPerJob(PostgresqlSchema schema) throws Exception {
    Map<String, Integer> count = new HashMap<>();
    String rows = schema.queryOne("SELECT string_agg(job_name || ':' || n, ',') FROM (SELECT job_name, COUNT(*) n"
        + " FROM sx_job_instance GROUP BY job_name) c");
    for (String row : rows.split(",")) {
      String[] jobAndCount = row.split(":");
      count.put(jobAndCount[0], Integer.parseInt(jobAndCount[1]));
    }
    return count;
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
