package dev.schedulerx.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schedulerx.common.config.ConfigError;
import dev.schedulerx.server.workflow.Dag;
import dev.schedulerx.server.workflow.Workflow;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.instance.TestPlugins;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workflows declared in the worker's config ({@code schedulerx.workflows}) are created on the server at start. */
class WorkflowDeclarationTest {
  @TempDir Path dir;

  @Test
  void aDeclaredWorkflowIsCreatedWithItsDagByJobNameAndItsPolicies() throws Exception {
    try (TestServer server = TestServer.inMemory(); TestDaemons daemons = new TestDaemons()) {
      Map<String, Object> overrides = Map.of(
          "jobs.a.processor", "WorkflowNode", "jobs.b.processor", "WorkflowNode", "jobs.c.processor", "WorkflowNode",
          "workflows.nightly.edges", List.of("a -> c", "b -> c"),
          "workflows.nightly.failure-policy", "fail-fast",
          "workflows.nightly.monitor-config", "{\"failEnable\":true,\"failLimitTimes\":2}",
          "workflows.nightly.contact", "[{\"userName\":\"ops\",\"ding\":\"ops-ding\"}]");
      WorkerDaemon daemon = WorkerDaemon.builder(TestDaemons.settings(server.domain(), TestServer.APP_KEY, dir, overrides))
          .pluginSource(TestPlugins.source(dir.resolve("plugins"))).build().start();
      try {
        daemon.awaitReady(Duration.ofSeconds(30));

        Workflow w = server.workflows().findByName(TestServer.GROUP, "nightly").orElseThrow();
        assertThat(w.failurePolicy()).isEqualTo(Workflow.FAIL_FAST);
        assertThat(w.enabled()).isTrue();
        assertThat(w.monitorConfig()).isEqualTo("{\"failEnable\":true,\"failLimitTimes\":2}");
        assertThat(w.contact()).isEqualTo("[{\"userName\":\"ops\",\"ding\":\"ops-ding\"}]");
        long a = server.jobId("a");
        long b = server.jobId("b");
        long c = server.jobId("c");
        assertThat(w.dag().edges()).containsExactly(new Dag.Edge(a, c), new Dag.Edge(b, c));
      } finally {
        daemon.close();
      }
    }
  }

  @Test
  void aDeclaredWorkflowMayHaveConditionNodesAndNodeParametersByName() throws Exception {
    try (TestServer server = TestServer.inMemory(); TestDaemons daemons = new TestDaemons()) {
      Map<String, Object> overrides = Map.of(
          "jobs.x.processor", "WorkflowNode", "jobs.y.processor", "WorkflowNode", "jobs.z.processor", "WorkflowNode",
          "workflows.guarded.edges", List.of("x -> x-ok", "x-ok -> y", "x-ok -> z"),
          "workflows.guarded.conditions.x-ok.expect.x", "success",
          "workflows.guarded.conditions.x-ok.then", List.of("y"),
          "workflows.guarded.parameters.z", "mode=cleanup");
      WorkerDaemon daemon = WorkerDaemon.builder(TestDaemons.settings(server.domain(), TestServer.APP_KEY, dir, overrides))
          .pluginSource(TestPlugins.source(dir.resolve("plugins"))).build().start();
      try {
        daemon.awaitReady(Duration.ofSeconds(30));

        Dag dag = server.workflows().findByName(TestServer.GROUP, "guarded").orElseThrow().dag();
        long x = server.jobId("x");
        long y = server.jobId("y");
        long z = server.jobId("z");
        assertThat(dag.conditions()).hasSize(1);
        Dag.Condition condition = dag.conditions().values().iterator().next();
        assertThat(condition.name()).isEqualTo("x-ok");
        assertThat(condition.expect()).containsExactly(Map.entry(x, "success"));
        assertThat(condition.then()).containsExactly(y);
        assertThat(dag.parameters()).containsExactly(Map.entry(z, "mode=cleanup"));
        assertThat(dag.jobNodes()).containsExactlyInAnyOrder(x, y, z);
      } finally {
        daemon.close();
      }
    }
  }

  @Test
  void aBadEdgeOrKeyFailsTheConfigNamingIt() {
    assertThatThrownBy(() -> TestDaemons.settings("127.0.0.1:1", "k", dir, Map.of("workflows.w.edges", List.of("a c"))))
        .isInstanceOf(ConfigError.class).hasMessageContaining("bad edge \"a c\" in schedulerx.workflows.w.edges");
    assertThatThrownBy(() -> TestDaemons.settings("127.0.0.1:1", "k", dir, Map.of("workflows.w.edge", List.of("a -> c"))))
        .isInstanceOf(ConfigError.class).hasMessageContaining("unknown key schedulerx.workflows.w.edge");
    assertThatThrownBy(() -> TestDaemons.settings("127.0.0.1:1", "k", dir, Map.of("workflows.w.edges", List.of("a -> c"),
        "workflows.w.monitor-config", "{\"failLimitTimes\":0}")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("bad workflow schedulerx.workflows.w: monitorConfig.failLimitTimes must be at least 1");
    assertThatThrownBy(() -> TestDaemons.settings("127.0.0.1:1", "k", dir, Map.of("workflows.w.edges", List.of("a -> c"),
        "workflows.w.contact", "ops")))
        .isInstanceOf(ConfigError.class).hasMessageContaining("bad workflow schedulerx.workflows.w: contact is not valid JSON");
  }
}
