package dev.schedulerx.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.client.ServerApiClient;
import dev.schedulerx.worker.it.TestDaemons;
import dev.schedulerx.worker.it.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code workflows} and {@code run-workflow --wait} against a real server and daemon, with workflows declared through
 * the REST API as the client sends them (DAG by job name resolved to ids here).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkflowCommandsTest {
  @TempDir static Path dir;
  private TestServer server;
  private TestDaemons daemons;
  private WorkerDaemon daemon;
  private Path conf;
  private ServerApiClient api;


  @BeforeAll
  void start() throws Exception {
    server = TestServer.inMemory();
    daemons = new TestDaemons();
    daemon = TestDaemons.startOnce(server.domain(), TestServer.APP_KEY, dir.resolve("daemon"));
    daemon.awaitReady(Duration.ofSeconds(20));
    conf = Files.writeString(dir.resolve("worker.conf"), "schedulerx { domain = \"" + server.domain() + "\", group-id = g }\n");
    api = new ServerApiClient(server.domain(), TestServer.GROUP, "");
    for (String job : List.of("A", "B", "C")) {
      server.upsertJob(job, "WorkflowNode", "");
    }
    server.upsertJob("F", "WorkflowNode", "\"parameters\":\"fail\"");
    api.upsertWorkflow(Map.of("group", "g", "name", "abc", "failurePolicy", "block-descendants", "dag", Map.of(
        "nodes", List.of(Map.of("id", server.jobId("A")), Map.of("id", server.jobId("B")), Map.of("id", server.jobId("C"))),
        "edges", List.of(Map.of("source", server.jobId("A"), "target", server.jobId("C")),
            Map.of("source", server.jobId("B"), "target", server.jobId("C"))))));
    api.upsertWorkflow(Map.of("group", "g", "name", "broken", "dag",
        "{\"nodes\":[{\"id\":" + server.jobId("F") + "}]}"));
    server.upsertJob("F2", "WorkflowNode", "\"parameters\":\"fail\"");
    server.upsertJob("G", "WorkflowNode", "");
    long f2 = server.jobId("F2");
    long g = server.jobId("G");
    api.upsertWorkflow(Map.of("group", "g", "name", "branch", "dag", "{\"nodes\":[{\"id\":" + f2 + "},{\"id\":-1,"
        + "\"type\":\"condition\",\"name\":\"f2-failed\",\"when\":\"any-failed\",\"then\":[" + g + "]},{\"id\":" + g
        + "}],\"edges\":[{\"source\":" + f2 + ",\"target\":-1},{\"source\":-1,\"target\":" + g + "}]}"));
  }

  @AfterAll
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    if (server != null) {
      server.close();
    }
    daemons.close();
  }

  @Test
  void workflowsListsThemWithTheirNodes() {
    CliRun r = cli("workflows");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("abc").contains("A,B,C").contains("block-descendants").contains("broken");
  }

  @Test
  void runWorkflowWaitPrintsNodeStatesAndExitsZeroOnSuccess() {
    CliRun r = cli("run-workflow", "abc", "--wait");

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).containsPattern("C +SUCCESS \\(instance \\d+\\)");
    assertThat(r.out().strip()).matches("(?s).*SUCCESS workflow instance \\d+$");
  }

  @Test
  void runWorkflowWaitPrintsAConditionsDecision() {
    CliRun r = cli("run-workflow", "branch", "--wait");

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).containsPattern("f2-failed +SUCCESS = true\n").containsPattern("G +SUCCESS \\(instance \\d+\\)");
  }

  @Test
  void runWorkflowWaitExitsOneWhenTheRunFails() {
    CliRun r = cli("run-workflow", "broken", "--wait");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("FAILED workflow instance").contains("node(s) F FAILED");
  }

  @Test
  void theRestApiRefusesABadDagAndAnUnknownWorkflow() {
    assertThatThrownBy(() -> api.upsertWorkflow(Map.of("group", "g", "name", "abc", "dag", "{\"nodes\":[1,")))
        .hasMessageContaining("not valid JSON");
    JsonNode abc = api.workflows().get(0);
    assertThat(abc.path("dag").path("nodes")).hasSize(3);
    assertThatThrownBy(() -> api.runWorkflow("nope", "")).hasMessageContaining("no workflow nope");
  }

  private CliRun cli(String... args) {
    return CliRun.of(conf, args);
  }
}
