package dev.schedulerx.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.schedulerx.common.sdk.common.JobInstanceDetail;
import com.alibaba.schedulerx.common.sdk.common.SchedulerXResult;
import com.alibaba.schedulerx.common.sdk.request.CreateWorkflowRequest;
import com.alibaba.schedulerx.common.sdk.request.DesignateWorkersRequest;
import com.alibaba.schedulerx.common.sdk.request.EnableWorkflowRequest;
import com.alibaba.schedulerx.common.sdk.request.ExecuteWorkflowRequest;
import com.alibaba.schedulerx.common.sdk.request.GetWorkflowInstanceRequest;
import com.alibaba.schedulerx.common.sdk.request.GetWorkflowRequest;
import com.alibaba.schedulerx.common.sdk.request.UpdateWorkflowDagRequest;
import com.alibaba.schedulerx.common.sdk.response.BaseResponse;
import com.alibaba.schedulerx.common.sdk.response.GetWorkflowInstanceResponse;
import com.alibaba.schedulerx.common.sdk.response.GetWorkflowResponse;
import com.alibaba.schedulerx.sdk.OpenApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.interop.daemon.DaemonWorkflowNode;
import dev.schedulerx.interop.official.OfficialWorkflowNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workflows through the official OpenAPI client (schedulerx2-worker 1.11.4's {@code OpenApiClient}) against our
 * server started by bin/schedulerx-server: a workflow A,B → C is created, given its DAG with
 * UpdateWorkflowDagRequest, enabled and executed; C on an official worker reads exactly A's and B's results from
 * {@code getUpstreamData()} and the right workflow ids; then C on our daemon reads the result of A run on the official
 * worker. Every answer is read by the official client's own classes.
 */
@Tag("interop")
class WorkflowInteropTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static OurServer server;
  private static Processes official;
  private static Processes daemon;
  private static OpenApiClient client;

  @BeforeAll
  static void start() throws Exception {
    server = OurServer.start(dir);
    official = OfficialWorkerProcess.launch("official worker", server.domain(),
        Files.createDirectories(dir.resolve("official")).resolve("worker.log"), "256m");
    daemon = OurDaemonProcess.launch("daemon", server.domain(), dir.resolve("daemon"), "256m", DaemonWorkflowNode.class);
    OfficialWorkerProcess.awaitStarted(official);
    OurDaemonProcess.awaitReady(daemon);
    await("both workers registered").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
        .until(() -> server.workers().size() == 2);
    client = new OpenApiClient(OurServer.APP_KEY, OurServer.GROUP, "http://" + server.domain());
    client.setNamespace(OurServer.NAMESPACE);
  }

  @AfterAll
  static void stop() {
    Processes.closeEach(daemon, official, server);
  }

  private static <T extends BaseResponse> T call(com.alibaba.schedulerx.common.sdk.request.BaseRequest<T> request) throws Exception {
    SchedulerXResult<T> result = client.getResponse(request);
    assertThat(result.isSuccess()).as(request.getClass().getSimpleName() + ": " + result.getMessage()).isTrue();
    return result.getData();
  }

  /** A job of the interop group running {@code processor}, held to one kind of worker by designation. */
  private static long job(String name, String processor, String worker) throws Exception {
    server.upsertJob(name, processor, "standalone", "");
    long id = server.get("/api/v1/jobs/" + name).path("id").asLong();
    DesignateWorkersRequest designate = new DesignateWorkersRequest();
    designate.setJobId(id);
    designate.setDesignateType(1);
    designate.setTransferable(false);
    designate.setWorkers("[\"" + worker + "\"]");
    designate.setLabels("[]"); // the client requires it even for designation by worker
    call(designate);
    return id;
  }

  /** Both kinds say starter "java"; the official worker reports its SDK version (1.x), our daemon 0.x. */
  private static String workerId(boolean officialKind) {
    return server.workers().stream().filter(w -> w.path("version").asText().startsWith("1.") == officialKind)
        .map(w -> w.path("address").path("workerId").asText(w.path("workerId").asText())).findFirst().orElseThrow();
  }

  private static long workflow(String name, String dagJson) throws Exception {
    CreateWorkflowRequest create = new CreateWorkflowRequest();
    create.setName(name);
    create.setDesc("interop");
    create.setTimeType(100);
    create.setMaxConcurrency(1);
    long workflowId = call(create).getWorkflowId();
    GetWorkflowResponse created = getWorkflow(workflowId);
    assertThat(created.getWorkFlowInfo().getStatusInteger()).as("a new workflow is disabled").isEqualTo(0);

    UpdateWorkflowDagRequest dag = new UpdateWorkflowDagRequest();
    dag.setWorkflowId(workflowId);
    dag.setDagJson(dagJson);
    call(dag);
    EnableWorkflowRequest enable = new EnableWorkflowRequest();
    enable.setWorkflowId(workflowId);
    call(enable);
    return workflowId;
  }

  private static GetWorkflowResponse getWorkflow(long workflowId) throws Exception {
    GetWorkflowRequest get = new GetWorkflowRequest();
    get.setWorkflowId(workflowId);
    return call(get);
  }

  private static GetWorkflowInstanceResponse runToEnd(long workflowId) throws Exception {
    ExecuteWorkflowRequest execute = new ExecuteWorkflowRequest();
    execute.setWorkflowId(workflowId);
    long wfInstanceId = call(execute).getWfInstanceId();
    GetWorkflowInstanceRequest get = new GetWorkflowInstanceRequest();
    get.setWorkflowId(workflowId);
    get.setWfInstanceId(wfInstanceId);
    await("workflow instance " + wfInstanceId + " finished").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
        .until(() -> call(get).getStatus() >= 4);
    GetWorkflowInstanceResponse done = call(get);
    assertThat(done.getWfInstanceInfo().getInstanceId()).isEqualTo(wfInstanceId);
    return done;
  }

  private static Map<String, JobInstanceDetail> nodes(GetWorkflowInstanceResponse run) {
    return run.getWfInstanceDag().getNodes().stream().collect(Collectors.toMap(JobInstanceDetail::getJobName, n -> n));
  }

  @Test
  void cOnAnOfficialWorkerReadsExactlyTheResultsOfAAndBAndTheWorkflowIds() throws Exception {
    String official = workerId(true);
    long a = job("wf-a", OfficialWorkflowNode.class.getName(), official);
    long b = job("wf-b", OfficialWorkflowNode.class.getName(), official);
    long c = job("wf-c", OfficialWorkflowNode.class.getName(), official);
    String dag = "{\"nodes\":[{\"id\":" + a + "},{\"id\":" + b + "},{\"id\":" + c + "}],\"edges\":[{\"source\":" + a
        + ",\"target\":" + c + "},{\"source\":" + b + ",\"target\":" + c + "}]}";
    long workflowId = workflow("official-abc", dag);
    GetWorkflowResponse stored = getWorkflow(workflowId);
    assertThat(stored.getWorkFlowNodeInfo().getNodes()).extracting(n -> n.getId()).containsExactlyInAnyOrder(a, b, c);
    assertThat(stored.getWorkFlowNodeInfo().getEdges()).hasSize(2);
    assertThat(stored.getWorkFlowInfo().getGmt_create()).isNotNull();

    GetWorkflowInstanceResponse run = runToEnd(workflowId);

    assertThat(run.getStatus()).as(run.toString()).isEqualTo(4);
    assertThat(run.getStartTime()).isNotNull();
    long wfi = run.getWfInstanceInfo().getInstanceId();
    Map<String, JobInstanceDetail> nodes = nodes(run);
    String ids = "|wf=" + workflowId + "|wfi=" + wfi;
    String resultA = "wf-a" + ids + "|up=[]|by=official";
    String resultB = "wf-b" + ids + "|up=[]|by=official";
    assertThat(nodes.get("wf-a").getResult()).isEqualTo(resultA);
    assertThat(nodes.get("wf-b").getResult()).isEqualTo(resultB);
    assertThat(nodes.get("wf-c").getResult()).isEqualTo("wf-c" + ids + "|up=[wf-a=" + resultA + ";wf-b=" + resultB + "]|by=official");
    assertThat(run.getWfInstanceDag().getEdges()).hasSize(2);
    assertThat(nodes.get("wf-c").getStartTime()).isNotNull();
  }

  @Test
  void cOnOurDaemonReadsTheResultOfAOnAnOfficialWorker() throws Exception {
    long a = job("mixed-a", OfficialWorkflowNode.class.getName(), workerId(true));
    long c = job("mixed-c", "DaemonWorkflowNode", workerId(false));
    long workflowId = workflow("mixed", "{\"nodes\":[{\"id\":" + a + "},{\"id\":" + c + "}],\"edges\":[{\"source\":" + a
        + ",\"target\":" + c + "}]}");

    GetWorkflowInstanceResponse run = runToEnd(workflowId);

    assertThat(run.getStatus()).as(run.toString()).isEqualTo(4);
    String ids = "|wf=" + workflowId + "|wfi=" + run.getWfInstanceInfo().getInstanceId();
    String resultA = "mixed-a" + ids + "|up=[]|by=official";
    Map<String, JobInstanceDetail> nodes = nodes(run);
    assertThat(nodes.get("mixed-a").getResult()).isEqualTo(resultA);
    assertThat(nodes.get("mixed-c").getResult()).isEqualTo("mixed-c" + ids + "|up=[mixed-a=" + resultA + "]|by=daemon");
    JsonNode cInstance = server.instance(nodes.get("mixed-c").getInstanceId());
    assertThat(cInstance.path("workerId").asText()).isEqualTo(workerId(false));
  }
}
