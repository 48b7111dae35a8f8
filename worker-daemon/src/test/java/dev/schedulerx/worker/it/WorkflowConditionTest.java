package dev.schedulerx.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.workflow.WfInstance;
import dev.schedulerx.server.workflow.WfNode;
import dev.schedulerx.server.workflow.Workflow;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Beyond SchedulerX, on a real server (H2) and daemon over TCP: condition nodes that pick a branch from their
 * parents' states (the other branch ends SKIPPED, a handled failure does not fail the run), and per-node parameters
 * in the DAG JSON that replace the job's parameters for that node's instances.
 */
class WorkflowConditionTest extends WorkflowTestBase {
  private WfInstance runToEnd(Workflow w) {
    return awaitFinished(workflows.execute(w.id(), dir.toString()).id(), DEADLINE);
  }

  private static String edge(long source, long target) {
    return "{\"source\":" + source + ",\"target\":" + target + "}";
  }

  @Test
  void anyFailedTakesTheRecoveryBranchSkipsTheOtherAndTheJoinStillRuns() {
    long f = job("F", "fail");
    long recover = job("RECOVER", "");
    long normal = job("NORMAL", "");
    long join = job("JOIN", "");
    Workflow w = workflow("on-failure", "{\"nodes\":[{\"id\":" + f + "},"
        + "{\"id\":-1,\"type\":\"condition\",\"name\":\"f-failed\",\"when\":\"any-failed\",\"then\":[" + recover + "]},"
        + "{\"id\":" + recover + "},{\"id\":" + normal + "},{\"id\":" + join + "}],\"edges\":[" + edge(f, -1) + ","
        + edge(-1, recover) + "," + edge(-1, normal) + "," + edge(recover, join) + "," + edge(normal, join) + "]}");

    WfInstance run = runToEnd(w);

    Map<String, WfNode> nodes = nodes(run.id());
    assertThat(run.state()).as("the failure is handled by the condition: " + run.reason()).isEqualTo(InstanceState.SUCCESS);
    assertThat(nodes.get("F").state()).isEqualTo(InstanceState.FAILED);
    assertThat(nodes.get("f-failed").state()).isEqualTo(InstanceState.SUCCESS);
    assertThat(nodes.get("f-failed").result()).isEqualTo("true");
    assertThat(nodes.get("f-failed").jobInstanceId()).as("a condition runs no job").isNull();
    assertThat(nodes.get("RECOVER").result()).endsWith("|up=[f-failed=true]");
    assertThat(nodes.get("NORMAL").state()).isEqualTo(InstanceState.SKIPPED);
    assertThat(nodes.get("NORMAL").jobInstanceId()).as("the branch not taken never ran").isNull();
    assertThat(nodes.get("JOIN").state()).isEqualTo(InstanceState.SUCCESS);
    assertThat(nodes.get("JOIN").result()).contains("RECOVER=" + nodes.get("RECOVER").result()).contains("NORMAL=]");

    // the REST views name the condition and its decision
    JsonNode definition = server.call("GET", "/api/v1/workflows/" + w.id(), null);
    JsonNode condition = definition.path("dag").path("nodes").get(1);
    assertThat(condition.path("type").asText()).isEqualTo("condition");
    assertThat(condition.path("jobName").asText()).isEqualTo("f-failed");
    assertThat(condition.path("when").asText()).isEqualTo("any-failed");
    JsonNode runView = server.call("GET", "/api/v1/workflow-instances/" + run.id(), null);
    assertThat(runView.toString()).contains("\"type\":\"condition\"");
  }

  @Test
  void perParentExpectationsThatFailTakeTheOtherBranchAndSkipEverythingBelowTheChosenOnesSibling() {
    long a = job("A", "");
    long b = job("B", "fail");
    long x = job("X", "");
    long x2 = job("X2", "");
    long y = job("Y", "");
    Workflow w = workflow("expect", "{\"nodes\":[{\"id\":" + a + "},{\"id\":" + b + "},"
        + "{\"id\":-7,\"type\":\"condition\",\"name\":\"both-ok\",\"expect\":{\"" + a + "\":\"success\",\"" + b
        + "\":\"success\"},\"then\":[" + x + "]},{\"id\":" + x + "},{\"id\":" + x2 + "},{\"id\":" + y + "}],\"edges\":["
        + edge(a, -7) + "," + edge(b, -7) + "," + edge(-7, x) + "," + edge(-7, y) + "," + edge(x, x2) + "]}");

    WfInstance run = runToEnd(w);

    Map<String, WfNode> nodes = nodes(run.id());
    assertThat(run.state()).isEqualTo(InstanceState.SUCCESS);
    assertThat(nodes.get("both-ok").result()).isEqualTo("false");
    assertThat(nodes.get("Y").state()).isEqualTo(InstanceState.SUCCESS);
    assertThat(nodes.get("Y").result()).endsWith("|up=[both-ok=false]");
    assertThat(nodes.get("X").state()).isEqualTo(InstanceState.SKIPPED);
    assertThat(nodes.get("X2").state()).as("below the branch not taken").isEqualTo(InstanceState.SKIPPED);
    assertThat(nodes.get("X2").jobInstanceId()).isNull();
    // stored and answered in the canonical JSON, so a later edit starts from it
    assertThat(workflows.get(w.id()).dag().toJson()).contains("\"type\":\"condition\"").contains("\"then\":[" + x + "]");
  }

  @Test
  void anAllSucceededConditionWhoseParentFailedLetsNothingBelowRunWhenItHasNoElseBranch() {
    long a = job("A", "fail");
    long c = job("C", "");
    long other = job("OTHER", "fail");
    long after = job("AFTER", "");
    Workflow w = workflow("no-else", "{\"nodes\":[{\"id\":" + a + "},{\"id\":-1,\"type\":\"condition\",\"when\":"
        + "\"all-succeeded\",\"then\":[" + c + "]},{\"id\":" + c + "},{\"id\":" + other + "},{\"id\":" + after + "}],"
        + "\"edges\":[" + edge(a, -1) + "," + edge(-1, c) + "," + edge(other, after) + "]}");

    WfInstance run = runToEnd(w);

    Map<String, WfNode> nodes = nodes(run.id());
    assertThat(nodes.get("condition-1").result()).isEqualTo("false");
    assertThat(nodes.get("C").state()).isEqualTo(InstanceState.SKIPPED);
    assertThat(run.state()).as("OTHER's failure is not handled by a condition").isEqualTo(InstanceState.FAILED);
    assertThat(run.reason()).contains("OTHER FAILED").doesNotContain("A FAILED");
  }

  @Test
  void nodeParametersReplaceTheJobsParametersForThatNodeOnlyRetriesIncluded() {
    server.upsertJob("P", "WorkflowNode", "\"parameters\":\"\",\"maxAttempt\":1,\"attemptInterval\":1");
    long p = server.jobId("P");
    long q = job("Q", "fail");
    Workflow w = workflow("params", "{\"nodes\":[{\"id\":" + p + ",\"parameters\":\"fail\"},{\"id\":" + q
        + ",\"parameters\":\"\"}],\"edges\":[]}");

    WfInstance run = runToEnd(w);

    Map<String, WfNode> nodes = nodes(run.id());
    assertThat(nodes.get("P").state()).as("P ran with the node's parameters 'fail'").isEqualTo(InstanceState.FAILED);
    assertThat(nodes.get("P").result()).isEqualTo("failed on purpose");
    assertThat(nodes.get("P").instanceAttempt()).as("the job's retry ran with the node's parameters too").isEqualTo(1);
    assertThat(nodes.get("Q").state()).as("Q ran with the node's empty parameters").isEqualTo(InstanceState.SUCCESS);
    assertThat(workflows.get(w.id()).dag().parameters()).containsEntry(p, "fail").containsEntry(q, "");
    // outside the workflow the job keeps its own parameters
    long alone = server.trigger("P", dir.toString());
    assertThat(server.awaitFinished(alone, DEADLINE).path("state").asText()).isEqualTo("SUCCESS");
  }
}
