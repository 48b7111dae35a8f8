package dev.schedulerx.worker.it;

import static org.awaitility.Awaitility.await;

import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.workflow.WfInstance;
import dev.schedulerx.server.workflow.WfNode;
import dev.schedulerx.server.workflow.Workflow;
import dev.schedulerx.server.workflow.Workflows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the workflow tests share: a real server (H2) and a daemon over TCP per test, jobs of the test processor
 * {@code WorkflowNode} (which reports what it saw of its parents and the workflow ids, holds while its parameters say
 * {@code await} until the test releases it, and fails on {@code fail}), and waiting for a run or a node.
 */
abstract class WorkflowTestBase {
  static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir Path dir;
  ServerWithDaemon both;
  TestServer server;
  Workflows workflows;

  @BeforeEach
  void startServerAndDaemon() throws Exception {
    both = ServerWithDaemon.start(dir, DEADLINE);
    server = both.server;
    workflows = both.workflows();
  }

  @AfterEach
  void stopServerAndDaemon() throws Exception {
    if (both != null) {
      both.close();
    }
  }

  /** A job of the WorkflowNode processor with these parameters; answers its id. */
  long job(String name, String parameters) {
    return job(name, "WorkflowNode", parameters);
  }

  long job(String name, String processor, String parameters) {
    server.upsertJob(name, processor, "\"parameters\":\"" + parameters + "\"");
    return server.jobId(name);
  }

  /** A new workflow of the test group with this DAG; {@code failurePolicy} null for the default. */
  Workflow workflow(String name, String failurePolicy, String dagJson) {
    Workflow w = workflows.create(new Workflows.Spec(TestServer.GROUP, name, null, null, null, null, null, null,
        failurePolicy, null));
    return workflows.updateDag(w.id(), dagJson);
  }

  Workflow workflow(String name, String dagJson) {
    return workflow(name, null, dagJson);
  }

  WfInstance awaitState(long runId, InstanceState state) {
    await().atMost(DEADLINE).until(() -> workflows.run(runId).run().state() == state);
    return workflows.run(runId).run();
  }

  WfInstance awaitFinished(long runId, Duration deadline) {
    await().atMost(deadline).until(() -> workflows.run(runId).run().isFinished());
    return workflows.run(runId).run();
  }

  /** The run's nodes by job name. */
  Map<String, WfNode> nodes(long runId) {
    return workflows.run(runId).nodes().stream().collect(Collectors.toMap(WfNode::jobName, Function.identity()));
  }

  /** Waits until the node of {@code job} holding on {@code await} has started. */
  void awaitStarted(String job) {
    await().atMost(DEADLINE).until(() -> Files.exists(dir.resolve(job + ".started")));
  }

  void release(String job) throws Exception {
    Files.writeString(dir.resolve(job), "go");
  }
}
