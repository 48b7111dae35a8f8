package dev.schedulerx.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.workflow.WfInstance;
import dev.schedulerx.server.workflow.WfNode;
import dev.schedulerx.server.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A wide fan-out on a real server and daemon: the children of one node are created, linked and submitted in batches
 * (several chunks, several batch messages), every child runs once with its parent's result, a child that cannot run
 * fails alone, and a run with hundreds of failed nodes still ends.
 */
class WorkflowFanOutTest extends WorkflowTestBase {
  private static final Duration FAN_OUT_DEADLINE = Duration.ofSeconds(60);

  /** A workflow of {@code root} and its children (job ids), started; answers the run id. */
  private long runFanOut(String name, long root, List<Long> children) {
    StringBuilder nodes = new StringBuilder("{\"id\":" + root + "}");
    StringBuilder edges = new StringBuilder();
    for (long c : children) {
      nodes.append(",{\"id\":").append(c).append('}');
      edges.append(edges.length() == 0 ? "" : ",").append("{\"source\":").append(root).append(",\"target\":").append(c).append('}');
    }
    Workflow w = workflow(name, "{\"nodes\":[" + nodes + "],\"edges\":[" + edges + "]}");
    return workflows.execute(w.id(), dir.toString()).id();
  }

  @Test
  void twoHundredChildrenRunOnceEachWithTheirParentsResultAndAChildThatCannotRunFailsAlone() {
    long root = job("root", "WorkflowNode", "");
    List<Long> children = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      children.add(i == 77 ? job("child-077", "NoSuchProcessor", "") : job(String.format("child-%03d", i), "WorkflowNode", ""));
    }

    long runId = runFanOut("wide", root, children);

    WfInstance run = awaitFinished(runId, FAN_OUT_DEADLINE);
    Map<String, WfNode> nodes = workflows.run(runId).nodes().stream()
        .collect(Collectors.toMap(WfNode::jobName, Function.identity()));
    assertThat(run.state()).isEqualTo(InstanceState.FAILED);
    assertThat(run.reason()).contains("child-077 FAILED");
    assertThat(nodes.get("child-077").state()).isEqualTo(InstanceState.FAILED);
    String rootResult = nodes.get("root").result();
    for (int i = 0; i < 200; i++) {
      if (i == 77) {
        continue;
      }
      String name = String.format("child-%03d", i);
      WfNode child = nodes.get(name);
      assertThat(child.state()).as(name).isEqualTo(InstanceState.SUCCESS);
      assertThat(child.result()).as(name).isEqualTo(name + "|wf=" + run.workflowId() + "|wfi=" + runId + "|up=[root=" + rootResult + "]");
      // exactly one instance of the child's job: started once
      assertThat(server.call("GET", "/api/v1/jobs/" + name + "/instances?limit=10", null).size()).as(name).isEqualTo(1);
    }
  }

  @Test
  void aRunWithHundredsOfFailedNodesEndsFailedNamingAFewOfThem() {
    long root = job("root", "WorkflowNode", "");
    List<Long> children = new ArrayList<>();
    for (int i = 0; i < 140; i++) {
      children.add(job(String.format("failing-child-number-%03d", i), "WorkflowNode", "fail"));
    }

    long runId = runFanOut("failing", root, children);

    WfInstance run = awaitFinished(runId, FAN_OUT_DEADLINE);
    assertThat(run.state()).isEqualTo(InstanceState.FAILED);
    assertThat(run.reason()).contains("FAILED").contains("and 130 more");
  }
}
