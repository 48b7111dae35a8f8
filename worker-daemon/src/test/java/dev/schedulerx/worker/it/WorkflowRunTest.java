package dev.schedulerx.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.workflow.WfInstance;
import dev.schedulerx.server.workflow.WfNode;
import dev.schedulerx.server.workflow.Workflow;
import dev.schedulerx.server.workflow.Workflows;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Workflows end to end on one JVM: a real server (H2) and a real daemon over TCP run DAGs of jobs whose processor
 * ({@code WorkflowNode}) reports what it saw of its parents and the workflow ids; the operator actions act on
 * runs whose nodes a test holds (job parameter {@code await}) or fails ({@code fail}).
 */
class WorkflowRunTest extends WorkflowTestBase {
  @Test
  void aChildStartsAfterBothParentsAndReadsExactlyTheirResultsAndTheWorkflowIds() {
    long a = job("A", "");
    long b = job("B", "");
    long c = job("C", "");
    Workflow w = workflow("abc", null, "{\"nodes\":[{\"id\":" + a + "},{\"id\":" + b + "},{\"id\":" + c + "}],"
        + "\"edges\":[{\"source\":" + a + ",\"target\":" + c + "},{\"source\":" + b + ",\"target\":" + c + "}]}");
    assertThat(w.enabled()).as("a new workflow is disabled").isFalse();

    long runId = workflows.execute(w.id(), dir.toString()).id();

    WfInstance run = awaitState(runId, InstanceState.SUCCESS);
    Map<String, WfNode> nodes = nodes(runId);
    String ids = "|wf=" + w.id() + "|wfi=" + runId;
    assertThat(nodes.get("A").result()).isEqualTo("A" + ids + "|up=[]");
    assertThat(nodes.get("B").result()).isEqualTo("B" + ids + "|up=[]");
    assertThat(nodes.get("C").result())
        .isEqualTo("C" + ids + "|up=[A=" + nodes.get("A").result() + ";B=" + nodes.get("B").result() + "]");
    // C's instance ran after both parents' instances had ended
    Instant cStarted = Instant.parse(server.instance(nodes.get("C").jobInstanceId()).path("startedAt").asText());
    for (String parent : new String[] {"A", "B"}) {
      Instant ended = Instant.parse(server.instance(nodes.get(parent).jobInstanceId()).path("finishedAt").asText());
      assertThat(cStarted).as("C started after %s ended", parent).isAfterOrEqualTo(ended);
    }
    // every node got the run's instance parameters, and the run says so too
    assertThat(server.instance(nodes.get("C").jobInstanceId()).path("instanceParameters").asText()).isEqualTo(dir.toString());
    assertThat(run.instanceParameters()).isEqualTo(dir.toString());
  }

  @Test
  void blockDescendantsLetsOtherBranchesFinishThenFails() throws Exception {
    long f = job("F", "fail");
    long d = job("D", "");
    long s = job("S", "await");
    Workflow w = workflow("blocking", null, "{\"nodes\":[{\"id\":" + f + "},{\"id\":" + d + "},{\"id\":" + s + "}],"
        + "\"edges\":[{\"source\":" + f + ",\"target\":" + d + "}]}");

    long runId = workflows.execute(w.id(), dir.toString()).id();
    awaitStarted("S");
    await().atMost(DEADLINE).until(() -> nodes(runId).get("F").state() == InstanceState.FAILED);
    assertThat(workflows.run(runId).run().state()).as("S still runs").isEqualTo(InstanceState.RUNNING);
    release("S");

    WfInstance run = awaitState(runId, InstanceState.FAILED);
    Map<String, WfNode> nodes = nodes(runId);
    assertThat(nodes.get("S").state()).isEqualTo(InstanceState.SUCCESS);
    assertThat(nodes.get("D").state()).as("blocked, never run").isEqualTo(InstanceState.WAITING);
    assertThat(nodes.get("D").jobInstanceId()).isNull();
    assertThat(run.reason()).contains("F FAILED");
  }

  @Test
  void failFastStopsTheRunningBranchAtTheFirstFailure() throws Exception {
    long f = job("F", "await,fail");
    long s = job("S", "await");
    long d = job("D", "");
    Workflow w = workflow("fast", Workflow.FAIL_FAST, "{\"nodes\":[{\"id\":" + f + "},{\"id\":" + s + "},{\"id\":" + d + "}],"
        + "\"edges\":[{\"source\":" + s + ",\"target\":" + d + "}]}");

    long runId = workflows.execute(w.id(), dir.toString()).id();
    awaitStarted("S");
    awaitStarted("F");
    release("F");

    awaitState(runId, InstanceState.FAILED);
    Map<String, WfNode> nodes = nodes(runId);
    assertThat(nodes.get("F").state()).isEqualTo(InstanceState.FAILED);
    assertThat(nodes.get("S").state()).isEqualTo(InstanceState.KILLED);
    assertThat(server.instance(nodes.get("S").jobInstanceId()).path("state").asText()).isEqualTo("KILLED");
    assertThat(nodes.get("D").jobInstanceId()).isNull();
    release("S"); // lets the killed processor's thread end
  }

  @Test
  void retryReRunsOnlyTheFailedAndNeverRunNodesWithTheStoredResultsOfTheOthers() throws Exception {
    long a = job("A", "");
    long f = job("F", "fail");
    long d = job("D", "");
    Workflow w = workflow("retry", null, "{\"nodes\":[{\"id\":" + a + "},{\"id\":" + f + "},{\"id\":" + d + "}],"
        + "\"edges\":[{\"source\":" + a + ",\"target\":" + f + "},{\"source\":" + f + ",\"target\":" + d + "}]}");
    long runId = workflows.execute(w.id(), dir.toString()).id();
    awaitState(runId, InstanceState.FAILED);
    WfNode aBefore = nodes(runId).get("A");
    long failedInstance = nodes(runId).get("F").jobInstanceId();
    assertThatThrownBy(() -> workflows.retry(workflows.execute(w.id(), "").id() + 1000))
        .hasMessageContaining("no workflow instance");

    job("F", ""); // the cause is fixed
    workflows.retry(runId);

    awaitState(runId, InstanceState.SUCCESS);
    Map<String, WfNode> nodes = nodes(runId);
    assertThat(nodes.get("A").jobInstanceId()).as("A kept its instance").isEqualTo(aBefore.jobInstanceId());
    assertThat(nodes.get("A").result()).isEqualTo(aBefore.result());
    assertThat(nodes.get("F").jobInstanceId()).isNotEqualTo(failedInstance);
    assertThat(nodes.get("F").result()).endsWith("|up=[A=" + aBefore.result() + "]");
    assertThat(nodes.get("D").result()).endsWith("|up=[F=" + nodes.get("F").result() + "]");
    assertThatThrownBy(() -> workflows.retry(runId)).hasMessageContaining("only a FAILED or stopped instance");
  }
}
