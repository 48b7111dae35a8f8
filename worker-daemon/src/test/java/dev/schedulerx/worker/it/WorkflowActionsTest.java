package dev.schedulerx.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.workflow.WfInstance;
import dev.schedulerx.server.workflow.WfNode;
import dev.schedulerx.server.workflow.Workflow;
import dev.schedulerx.server.workflow.Workflows;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Operator actions on workflow runs (skip, suspend/resume, stop, set success), max concurrency (skip, queue), and a
 * long result reaching the child shortened as the official worker shortens it. Real server and daemon over TCP.
 */
class WorkflowActionsTest extends WorkflowTestBase {
  @AfterEach
  void releaseHeldNodes() throws Exception {
    for (String job : new String[] {"A", "B", "C", "S"}) {
      release(job); // no processor left waiting when the daemon stops
    }
  }

  /** A → B → C. */
  private Workflow chain(String name, String aParams, String bParams, String cParams, Workflows.Spec spec) {
    long a = job("A", aParams);
    long b = job("B", bParams);
    long c = job("C", cParams);
    Workflow w = workflows.create(spec != null ? spec
        : new Workflows.Spec(TestServer.GROUP, name, null, null, null, null, null, null, null, null));
    return workflows.updateDag(w.id(), "{\"nodes\":[{\"id\":" + a + "},{\"id\":" + b + "},{\"id\":" + c + "}],"
        + "\"edges\":[{\"source\":" + a + ",\"target\":" + b + "},{\"source\":" + b + ",\"target\":" + c + "}]}");
  }

  @Test
  void aSkippedNodeReleasesItsChildrenWithAnEmptyResultAndACancelledSkipRunsIt() throws Exception {
    Workflow w = chain("skip", "await", "", "", null);
    long runId = workflows.execute(w.id(), dir.toString()).id();
    awaitStarted("A");
    long b = server.jobId("B");
    workflows.skip(runId, b);   // B has not run: named by its job id
    workflows.cancelSkip(runId, b);
    assertThatThrownBy(() -> workflows.cancelSkip(runId, b)).hasMessageContaining("has no pending skip");
    workflows.skip(runId, b);
    release("A");

    awaitState(runId, InstanceState.SUCCESS);
    Map<String, WfNode> nodes = nodes(runId);
    assertThat(nodes.get("B").state()).isEqualTo(InstanceState.SKIPPED);
    assertThat(nodes.get("B").jobInstanceId()).as("a skipped node never runs").isNull();
    assertThat(nodes.get("C").result()).endsWith("|up=[B=]");
  }

  @Test
  void suspendHoldsNodesNotYetStartedWhileRunningOnesFinishAndResumeReleasesThem() throws Exception {
    Workflow w = chain("suspend", "await", "", "", null);
    long runId = workflows.execute(w.id(), dir.toString()).id();
    awaitStarted("A");
    workflows.suspend(runId);
    release("A");

    await().atMost(DEADLINE).until(() -> nodes(runId).get("A").state() == InstanceState.SUCCESS);
    workflows.run(runId); // the run stays RUNNING with B held
    assertThat(workflows.run(runId).run().state()).isEqualTo(InstanceState.RUNNING);
    assertThat(nodes(runId).get("B").state()).isEqualTo(InstanceState.WAITING);
    assertThat(nodes(runId).get("B").jobInstanceId()).isNull();

    workflows.resume(runId);
    awaitState(runId, InstanceState.SUCCESS);
    assertThat(nodes(runId).get("C").state()).isEqualTo(InstanceState.SUCCESS);
  }

  @Test
  void stopKillsTheRunningNodeAndLeavesNoNodeWaitingOrRunning() throws Exception {
    Workflow w = chain("stop", "await", "", "", null);
    long runId = workflows.execute(w.id(), dir.toString()).id();
    awaitStarted("A");

    WfInstance stopped = workflows.stop(runId);

    assertThat(stopped.state()).isEqualTo(InstanceState.KILLED);
    for (WfNode n : workflows.run(runId).nodes()) {
      assertThat(n.state()).as(n.jobName()).isEqualTo(InstanceState.KILLED);
    }
    long a = nodes(runId).get("A").jobInstanceId();
    await().atMost(DEADLINE).until(() -> "KILLED".equals(server.instance(a).path("state").asText()));
    assertThatThrownBy(() -> workflows.stop(runId)).hasMessageContaining("nothing to stop");
  }

  /** A fan-out's children start together (their links to the nodes stored after all have left): a stop reaches them. */
  @Test
  void aStopReachesEveryRunningChildOfAFanOut() throws Exception {
    long a = job("A", "");
    long b = job("B", "await");
    long c = job("C", "await");
    long s = job("S", "");
    Workflow w = workflow("fan-out", "{\"nodes\":[{\"id\":" + a + "},{\"id\":" + b + "},{\"id\":" + c + "},{\"id\":" + s
        + "}],\"edges\":[{\"source\":" + a + ",\"target\":" + b + "},{\"source\":" + a + ",\"target\":" + c
        + "},{\"source\":" + a + ",\"target\":" + s + "}]}");
    long runId = workflows.execute(w.id(), dir.toString()).id();
    awaitStarted("B");
    awaitStarted("C");
    await().atMost(DEADLINE).until(() -> nodes(runId).get("S").state() == InstanceState.SUCCESS);

    Map<String, WfNode> running = nodes(runId);
    WfInstance stopped = workflows.stop(runId);

    assertThat(stopped.state()).isEqualTo(InstanceState.KILLED);
    for (String job : new String[] {"B", "C"}) {
      assertThat(running.get(job).state()).as(job).isEqualTo(InstanceState.RUNNING);
      long instance = running.get(job).jobInstanceId();
      await(job).atMost(DEADLINE).until(() -> "KILLED".equals(server.instance(instance).path("state").asText()));
      assertThat(nodes(runId).get(job).state()).as(job).isEqualTo(InstanceState.KILLED);
    }
  }

  @Test
  void aFailedNodeSetToSuccessLetsItsChildrenRunAndARunCanBeSetSuccessAsAWhole() throws Exception {
    Workflow w = chain("success", "", "fail", "", null);
    long runId = workflows.execute(w.id(), dir.toString()).id();
    awaitState(runId, InstanceState.FAILED);

    workflows.setSuccess(runId, nodes(runId).get("B").jobInstanceId());

    awaitState(runId, InstanceState.SUCCESS);
    assertThat(nodes(runId).get("C").result()).endsWith("|up=[B=failed on purpose]");

    job("A", "await");
    long second = workflows.execute(w.id(), dir.toString()).id();
    awaitStarted("A");
    assertThat(workflows.setSuccess(second, null).state()).isEqualTo(InstanceState.SUCCESS);
    assertThat(nodes(second).get("A").state()).isEqualTo(InstanceState.KILLED);
  }

  @Test
  void overMaxConcurrencyARunIsSkippedOrQueuedAsTheWorkflowSays() throws Exception {
    Workflow skipping = chain("limited", "await", "", "", null);
    long first = workflows.execute(skipping.id(), dir.toString()).id();
    awaitStarted("A");
    WfInstance skipped = workflows.execute(skipping.id(), dir.toString());
    assertThat(skipped.state()).isEqualTo(InstanceState.SKIPPED);
    assertThat(skipped.reason()).contains("max concurrency 1");

    workflows.update(skipping.id(), new Workflows.Spec(null, null, null, null, null, null, null, Workflow.QUEUE, null, null));
    WfInstance queued = workflows.execute(skipping.id(), dir.toString());
    assertThat(queued.state()).isEqualTo(InstanceState.WAITING);
    release("A");
    awaitState(first, InstanceState.SUCCESS);
    awaitState(queued.id(), InstanceState.SUCCESS);
    assertThat(nodes(queued.id()).get("A").jobInstanceId()).isNotEqualTo(nodes(first).get("A").jobInstanceId());
  }

  @Test
  void aLongResultReachesTheChildShortenedAsTheOfficialWorkerShortensIt() {
    Workflow w = chain("big", "big", "", "", null);
    long runId = workflows.execute(w.id(), dir.toString()).id();
    awaitState(runId, InstanceState.SUCCESS);

    String expected = "x".repeat(990) + "...";
    assertThat(nodes(runId).get("A").result()).isEqualTo(expected);
    assertThat(nodes(runId).get("B").result()).endsWith("|up=[A=len:993,tail:xx...]");
  }

  @Test
  void aDagIsRefusedWithItsReasonAndNothingChanges() {
    long a = job("A", "");
    long b = job("B", "");
    Workflow w = workflows.create(new Workflows.Spec(TestServer.GROUP, "refusals", null, null, null, null, null, null, null, null));
    String good = "{\"nodes\":[{\"id\":" + a + "},{\"id\":" + b + "}],\"edges\":[{\"source\":" + a + ",\"target\":" + b + "}]}";
    workflows.updateDag(w.id(), good);

    assertThatThrownBy(() -> workflows.updateDag(w.id(), "{\"nodes\":[{\"id\":" + a + "},{\"id\":" + b + "}],\"edges\":[{\"source\":"
        + a + ",\"target\":" + b + "},{\"source\":" + b + ",\"target\":" + a + "}]}")).hasMessageContaining("cycle");
    assertThatThrownBy(() -> workflows.updateDag(w.id(), "{\"nodes\":[{\"id\":999999}]}"))
        .hasMessageContaining("job 999999, which does not exist");
    assertThatThrownBy(() -> workflows.updateDag(w.id(), "{\"nodes\":[{\"id\":" + a + "}],\"edges\":[{\"source\":" + a
        + ",\"target\":5}]}")).hasMessageContaining("not among the nodes");
    assertThatThrownBy(() -> workflows.updateDag(w.id(), "{\"nodes\":[")).hasMessageContaining("not valid JSON");
    Workflow other = workflows.create(new Workflows.Spec(TestServer.GROUP, "other", null, null, null, null, null, null, null, null));
    assertThatThrownBy(() -> workflows.updateDag(other.id(), "{\"nodes\":[{\"id\":" + a + "}]}"))
        .hasMessageContaining("belongs to workflow " + w.id());

    assertThat(workflows.get(w.id()).dag().toJson()).isEqualTo(workflows.updateDag(w.id(), good).dag().toJson());
    assertThat(workflows.get(other.id()).dag().nodes()).isEmpty();
    assertThatThrownBy(() -> server.deleteJob("A")).hasMessageContaining("workflow");
    assertThat(server.jobId("A")).isEqualTo(a);
  }
}
