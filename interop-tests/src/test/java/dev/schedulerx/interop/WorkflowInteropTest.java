package dev.schedulerx.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.schedulerx.common.sdk.common.JobInstanceDetail;
import com.alibaba.schedulerx.common.sdk.common.SchedulerXResult;
import com.alibaba.schedulerx.common.sdk.common.JobConfigInfo;
import com.alibaba.schedulerx.common.sdk.common.WfInstanceDetail;
import com.alibaba.schedulerx.common.sdk.common.WfInstanceInfo;
import com.alibaba.schedulerx.common.sdk.common.WorkFlowInfo;
import com.alibaba.schedulerx.common.sdk.request.CancelSkipWfInstanceNodeRequest;
import com.alibaba.schedulerx.common.sdk.request.CancelSuspendWfInstanceRequest;
import com.alibaba.schedulerx.common.sdk.request.CreateWorkflowRequest;
import com.alibaba.schedulerx.common.sdk.request.DeleteWorkflowRequest;
import com.alibaba.schedulerx.common.sdk.request.DisableWorkflowRequest;
import com.alibaba.schedulerx.common.sdk.request.GetWorkflowInstanceDetailRequest;
import com.alibaba.schedulerx.common.sdk.request.GetWorkflowInstanceListRequest;
import com.alibaba.schedulerx.common.sdk.request.RetryWfInstanceRequest;
import com.alibaba.schedulerx.common.sdk.request.SetWfInstanceSuccessRequest;
import com.alibaba.schedulerx.common.sdk.request.SkipWfInstanceNodeRequest;
import com.alibaba.schedulerx.common.sdk.request.StopWfInstanceRequest;
import com.alibaba.schedulerx.common.sdk.request.SuspendWfInstanceRequest;
import com.alibaba.schedulerx.common.sdk.request.UpdateWorkflowRequest;
import com.alibaba.schedulerx.common.sdk.request.DesignateWorkersRequest;
import com.alibaba.schedulerx.common.sdk.request.EnableWorkflowRequest;
import com.alibaba.schedulerx.common.sdk.request.ExecuteWorkflowRequest;
import com.alibaba.schedulerx.common.sdk.request.GetWorkflowInstanceRequest;
import com.alibaba.schedulerx.common.sdk.request.GetWorkflowRequest;
import com.alibaba.schedulerx.common.sdk.request.UpdateWorkflowDagRequest;
import com.alibaba.schedulerx.common.sdk.response.BaseResponse;
import com.alibaba.schedulerx.common.sdk.response.GetWorkflowInstanceResponse;
import com.alibaba.schedulerx.common.sdk.response.GetWorkflowResponse;
import com.alibaba.schedulerx.common.sdk.response.RetryWfInstanceResponse;
import com.alibaba.schedulerx.sdk.OpenApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.interop.daemon.DaemonWorkflowNode;
import dev.schedulerx.interop.official.OfficialWorkflowNode;
import dev.schedulerx.interop.official.OfficialWorkflowStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    return job(name, processor, worker, "");
  }

  private static long job(String name, String processor, String worker, String parameters) throws Exception {
    server.upsertJob(name, processor, "standalone", parameters);
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
    return awaitEnd(workflowId, execute(workflowId));
  }

  private static long execute(long workflowId) throws Exception {
    ExecuteWorkflowRequest execute = new ExecuteWorkflowRequest();
    execute.setWorkflowId(workflowId);
    return call(execute).getWfInstanceId();
  }

  private static GetWorkflowInstanceResponse getRun(long workflowId, long wfInstanceId) throws Exception {
    GetWorkflowInstanceRequest get = new GetWorkflowInstanceRequest();
    get.setWorkflowId(workflowId);
    get.setWfInstanceId(wfInstanceId);
    return call(get);
  }

  private static GetWorkflowInstanceResponse awaitEnd(long workflowId, long wfInstanceId) throws Exception {
    await("workflow instance " + wfInstanceId + " finished").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
        .until(() -> getRun(workflowId, wfInstanceId).getStatus() >= 4);
    GetWorkflowInstanceResponse done = getRun(workflowId, wfInstanceId);
    assertThat(done.getWfInstanceInfo().getInstanceId()).isEqualTo(wfInstanceId);
    return done;
  }

  /** Node states of a run by job name, as the official classes parsed them. */
  private static Map<String, Integer> states(long workflowId, long wfInstanceId) throws Exception {
    return nodes(getRun(workflowId, wfInstanceId)).values().stream()
        .collect(Collectors.toMap(JobInstanceDetail::getJobName, JobInstanceDetail::getStatus));
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

  @Test
  void updateDisableAndDeleteAWorkflowThroughTheOfficialClient() throws Exception {
    String official = workerId(true);
    long a = job("def-a", OfficialWorkflowStep.class.getName(), official);
    long b = job("def-b", OfficialWorkflowStep.class.getName(), official);
    long workflowId = workflow("defs", "{\"nodes\":[{\"id\":" + a + "},{\"id\":" + b + "}],\"edges\":[{\"source\":"
        + a + ",\"target\":" + b + "}]}");

    UpdateWorkflowRequest update = new UpdateWorkflowRequest();
    update.setWorkflowId(workflowId);
    update.setName("defs-renamed");
    update.setDescription("nightly chain");
    update.setTimeType(1);
    update.setTimeExpression("0 0 3 * * ?");
    call(update);
    WorkFlowInfo updated = getWorkflow(workflowId).getWorkFlowInfo();
    assertThat(updated.getName()).isEqualTo("defs-renamed");
    assertThat(updated.getDescription()).isEqualTo("nightly chain");
    assertThat(updated.getTimeTypeInteger()).isEqualTo(1);
    assertThat(updated.getTimeExpression()).isEqualTo("0 0 3 * * ?");
    assertThat(updated.getStatusInteger()).as("an update keeps the workflow enabled").isEqualTo(1);
    assertThat(updated.getGmt_modified()).isNotNull();

    DisableWorkflowRequest disable = new DisableWorkflowRequest();
    disable.setWorkflowId(workflowId);
    call(disable);
    assertThat(getWorkflow(workflowId).getWorkFlowInfo().getStatusInteger()).isEqualTo(0);

    DeleteWorkflowRequest delete = new DeleteWorkflowRequest();
    delete.setWorkflowId(workflowId);
    call(delete);
    GetWorkflowRequest get = new GetWorkflowRequest();
    get.setWorkflowId(workflowId);
    SchedulerXResult<GetWorkflowResponse> gone = client.getResponse(get);
    assertThat(gone.isSuccess()).isFalse();
    assertThat(gone.getMessage()).contains(Long.toString(workflowId));
    assertThat(server.rawGet("/api/v1/workflows/" + workflowId).statusCode()).isEqualTo(404);
  }

  @Test
  void aFailedRunIsListedDetailedRetriedSkippedAndSetSuccess() throws Exception {
    String official = workerId(true);
    Path fixed = dir.resolve("bad-fixed");
    long ok = job("act-ok", OfficialWorkflowStep.class.getName(), official);
    long bad = job("act-bad", OfficialWorkflowStep.class.getName(), official, "fail-until:" + fixed);
    long after = job("act-after", OfficialWorkflowStep.class.getName(), official);
    long workflowId = workflow("actions", "{\"nodes\":[{\"id\":" + ok + "},{\"id\":" + bad + "},{\"id\":" + after
        + "}],\"edges\":[{\"source\":" + ok + ",\"target\":" + after + "},{\"source\":" + bad + ",\"target\":" + after
        + "}]}");

    // a failed run: listed and detailed as the official classes read them
    GetWorkflowInstanceResponse failed = runToEnd(workflowId);
    long wfi = failed.getWfInstanceInfo().getInstanceId();
    assertThat(failed.getStatus()).isEqualTo(5);
    GetWorkflowInstanceListRequest list = new GetWorkflowInstanceListRequest();
    list.setWorkflowId(workflowId);
    List<WfInstanceInfo> listed = call(list).getWfInstanceInfos();
    assertThat(listed).extracting(WfInstanceInfo::getInstanceId).contains(wfi);
    WfInstanceInfo info = listed.stream().filter(r -> r.getInstanceId() == wfi).findFirst().orElseThrow();
    assertThat(info.getStatus()).isEqualTo(5);
    assertThat(info.getWorkflowId()).isEqualTo(workflowId);
    assertThat(info.getStartTime()).isNotNull();
    assertThat(info.getEndTime()).isNotNull();
    assertThat(info.getStartDate()).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");

    GetWorkflowInstanceDetailRequest detailRequest = new GetWorkflowInstanceDetailRequest();
    detailRequest.setWorkflowId(workflowId);
    detailRequest.setWfInstanceId(wfi);
    WfInstanceDetail detail = call(detailRequest).getWfInstanceDetail();
    assertThat(detail.getWfInstanceInfo().getInstanceId()).isEqualTo(wfi);
    assertThat(detail.getWfInstanceInfo().getStatus()).isEqualTo(5);
    Map<String, JobInstanceDetail> detailed = detail.getJobInstanceDetails().stream()
        .collect(Collectors.toMap(JobInstanceDetail::getJobName, n -> n));
    assertThat(detailed.get("act-ok").getStatus()).isEqualTo(4);
    assertThat(detailed.get("act-bad").getStatus()).isEqualTo(5);
    assertThat(detailed.get("act-after").getStatus()).as("blocked behind the failed node").isEqualTo(1);
    assertThat(detailed.get("act-after").getInstanceId()).isZero();
    assertThat(detail.getJobConfigInfos()).extracting(JobConfigInfo::getName)
        .containsExactlyInAnyOrder("act-ok", "act-bad", "act-after");
    assertThat(detail.getJobConfigInfos()).allMatch(j -> j.getWorkflowId() == workflowId);
    assertThat(detail.getEdges()).hasSize(2);
    long okInstance = detailed.get("act-ok").getInstanceId();
    long badInstance = detailed.get("act-bad").getInstanceId();

    // retry: only the failed and the never-run nodes run again; the successful node keeps its instance
    Files.writeString(fixed, "fixed");
    RetryWfInstanceRequest retry = new RetryWfInstanceRequest();
    retry.setWorkflowId(workflowId);
    retry.setWfInstanceId(wfi);
    call(retry);
    GetWorkflowInstanceResponse retried = awaitEnd(workflowId, wfi);
    assertThat(retried.getStatus()).isEqualTo(4);
    Map<String, JobInstanceDetail> afterRetry = nodes(retried);
    assertThat(afterRetry.get("act-ok").getInstanceId()).isEqualTo(okInstance);
    assertThat(afterRetry.get("act-bad").getInstanceId()).isNotEqualTo(badInstance);
    assertThat(afterRetry.get("act-after").getResult()).isEqualTo("act-after done");
    SchedulerXResult<RetryWfInstanceResponse> again = client.getResponse(retry);
    assertThat(again.isSuccess()).as("a successful run cannot be retried").isFalse();

    // skip the failed node: its child runs as if it had succeeded
    Files.delete(fixed);
    long second = awaitEnd(workflowId, execute(workflowId)).getWfInstanceInfo().getInstanceId();
    assertThat(getRun(workflowId, second).getStatus()).isEqualTo(5);
    SkipWfInstanceNodeRequest skip = new SkipWfInstanceNodeRequest();
    skip.setWorkflowId(workflowId);
    skip.setWfInstanceId(second);
    skip.setJobInstanceId(nodes(getRun(workflowId, second)).get("act-bad").getInstanceId());
    call(skip);
    assertThat(awaitEnd(workflowId, second).getStatus()).isEqualTo(4);
    assertThat(states(workflowId, second)).containsEntry("act-bad", 12).containsEntry("act-after", 4);

    // set one node SUCCESS: its child runs
    long third = awaitEnd(workflowId, execute(workflowId)).getWfInstanceInfo().getInstanceId();
    SetWfInstanceSuccessRequest nodeSuccess = new SetWfInstanceSuccessRequest();
    nodeSuccess.setWorkflowId(workflowId);
    nodeSuccess.setWfInstanceId(third);
    nodeSuccess.setId(nodes(getRun(workflowId, third)).get("act-bad").getInstanceId());
    call(nodeSuccess);
    assertThat(awaitEnd(workflowId, third).getStatus()).isEqualTo(4);
    assertThat(states(workflowId, third)).containsEntry("act-bad", 4).containsEntry("act-after", 4);

    // set the whole run SUCCESS: it ends at once, the blocked child never runs
    long fourth = awaitEnd(workflowId, execute(workflowId)).getWfInstanceInfo().getInstanceId();
    SetWfInstanceSuccessRequest runSuccess = new SetWfInstanceSuccessRequest();
    runSuccess.setWorkflowId(workflowId);
    runSuccess.setWfInstanceId(fourth);
    call(runSuccess);
    assertThat(getRun(workflowId, fourth).getStatus()).isEqualTo(4);
    assertThat(states(workflowId, fourth)).containsEntry("act-bad", 5).containsEntry("act-after", 1);
  }

  @Test
  void aRunningRunIsSuspendedResumedAndStoppedAndASkipIsCancelled() throws Exception {
    String official = workerId(true);
    Path release = dir.resolve("release-hold");
    long hold = job("run-hold", OfficialWorkflowStep.class.getName(), official, "hold-until:" + release);
    long next = job("run-next", OfficialWorkflowStep.class.getName(), official);
    long workflowId = workflow("running", "{\"nodes\":[{\"id\":" + hold + "},{\"id\":" + next
        + "}],\"edges\":[{\"source\":" + hold + ",\"target\":" + next + "}]}");

    long first = execute(workflowId);
    await("hold running").atMost(DEADLINE).until(() -> states(workflowId, first).get("run-hold") == 3);
    SuspendWfInstanceRequest suspend = new SuspendWfInstanceRequest();
    suspend.setWorkflowId(workflowId);
    suspend.setWfInstanceId(first);
    call(suspend);
    // a node that never ran is named by its job id (its job instance id is still 0)
    SkipWfInstanceNodeRequest skip = new SkipWfInstanceNodeRequest();
    skip.setWorkflowId(workflowId);
    skip.setWfInstanceId(first);
    skip.setJobInstanceId(next);
    call(skip);
    CancelSkipWfInstanceNodeRequest cancelSkip = new CancelSkipWfInstanceNodeRequest();
    cancelSkip.setWorkflowId(workflowId);
    cancelSkip.setWfInstanceId(first);
    cancelSkip.setJobInstanceId(next);
    call(cancelSkip);
    Files.writeString(release, "go");
    await("hold finished").atMost(DEADLINE).until(() -> states(workflowId, first).get("run-hold") == 4);
    await("next held while suspended").during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5))
        .until(() -> states(workflowId, first).get("run-next") == 1 && getRun(workflowId, first).getStatus() == 3);
    CancelSuspendWfInstanceRequest resume = new CancelSuspendWfInstanceRequest();
    resume.setWorkflowId(workflowId);
    resume.setWfInstanceId(first);
    call(resume);
    assertThat(awaitEnd(workflowId, first).getStatus()).isEqualTo(4);
    assertThat(states(workflowId, first)).as("the cancelled skip never took effect").containsEntry("run-next", 4);

    Files.delete(release);
    long second = execute(workflowId);
    await("hold running").atMost(DEADLINE).until(() -> states(workflowId, second).get("run-hold") == 3);
    StopWfInstanceRequest stop = new StopWfInstanceRequest();
    stop.setWorkflowId(workflowId);
    stop.setWfInstanceId(second);
    call(stop);
    try {
      assertThat(getRun(workflowId, second).getStatus()).isEqualTo(6);
      assertThat(states(workflowId, second)).containsEntry("run-hold", 6).containsEntry("run-next", 6);
      long holdInstance = nodes(getRun(workflowId, second)).get("run-hold").getInstanceId();
      assertThat(server.awaitFinished(holdInstance, DEADLINE).path("state").asText()).isNotIn("RUNNING", "SUCCESS");
    } finally {
      Files.writeString(release, "go"); // frees the official worker's thread if the kill did not
    }
  }

  @Test
  void officialWorkersGetNodeParametersAndAConditionsDecision() throws Exception {
    String official = workerId(true);
    long step = job("beyond-step", OfficialWorkflowStep.class.getName(), official);
    long rescue = job("beyond-rescue", OfficialWorkflowNode.class.getName(), official);
    long normal = job("beyond-normal", OfficialWorkflowNode.class.getName(), official);
    // the job itself would succeed: the node's parameters make it fail on the official worker
    String dag = "{\"nodes\":[{\"id\":" + step + ",\"parameters\":\"fail-until:" + dir.resolve("never") + "\"},"
        + "{\"id\":-1,\"type\":\"condition\",\"name\":\"step-failed\",\"when\":\"any-failed\",\"then\":[" + rescue
        + "]},{\"id\":" + rescue + "},{\"id\":" + normal + "}],\"edges\":[{\"source\":" + step + ",\"target\":-1},"
        + "{\"source\":-1,\"target\":" + rescue + "},{\"source\":-1,\"target\":" + normal + "}]}";
    long workflowId = workflow("beyond", dag);

    GetWorkflowInstanceResponse run = runToEnd(workflowId);

    Map<String, JobInstanceDetail> nodes = nodes(run);
    assertThat(run.getStatus()).as("the failure is the condition's to handle: " + run).isEqualTo(4);
    assertThat(nodes.get("beyond-step").getStatus()).isEqualTo(5);
    assertThat(nodes.get("step-failed").getResult()).isEqualTo("true");
    String ids = "|wf=" + workflowId + "|wfi=" + run.getWfInstanceInfo().getInstanceId();
    assertThat(nodes.get("beyond-rescue").getResult()).isEqualTo("beyond-rescue" + ids + "|up=[step-failed=true]|by=official");
    assertThat(nodes.get("beyond-normal").getStatus()).isEqualTo(12);
    assertThat(getWorkflow(workflowId).getWorkFlowNodeInfo().getNodes()).extracting(n -> n.getId()).contains(-1L);
  }
}
