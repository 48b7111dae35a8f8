package dev.schedulerx.worker.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.alibaba.schedulerx.protocol.Worker.MasterBatchStartContainersRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterStartContainerRequest;
import com.google.protobuf.ByteString;
import dev.schedulerx.worker.container.ContainerRunner;
import dev.schedulerx.worker.container.ContainerTask;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Start requests become runner commands: one group per run of requests that share their instance part. */
class ContainerEndpointTest {
  private static final String MASTER = "akka.tcp://w1@127.0.0.1:7001/user/map_master_router";

  private static MasterStartContainerRequest.Builder request(long instanceId, long taskId) {
    return MasterStartContainerRequest.newBuilder()
        .setJobId(7).setJobInstanceId(instanceId).setTaskId(taskId)
        .setScheduleTime(1_000).setDataTime(1_000)
        .setJobType("java").setContent("{\"className\":\"TestMapReduceJob\"}")
        .setUser("u").setInstanceMasterAkkaPath(MASTER).setGroupId("g").setExecuteMode("grid").setJobName("mr")
        .setTaskName("OrderInfo").setTask(ByteString.copyFromUtf8("{\"id\":\"id_" + taskId + "\"}"));
  }

  /** As the requests arrive from another worker: parsed from bytes, string fields not yet decoded. */
  private static List<MasterStartContainerRequest> overTheWire(MasterStartContainerRequest... requests) throws Exception {
    byte[] bytes = MasterBatchStartContainersRequest.newBuilder().setJobInstanceId(1).setJobId(7)
        .addAllStartReqs(List.of(requests)).build().toByteArray();
    return MasterBatchStartContainersRequest.parseFrom(bytes).getStartReqsList();
  }

  @Test
  void requestsOfOneInstanceShareOneGroupAndKeepTheirOwnTaskFields() throws Exception {
    List<ContainerRunner.Command> commands = ContainerEndpoint.toCommands(
        overTheWire(request(1, 1).build(), request(1, 2).setTaskName("Other").build(), request(1, 3).build()), 0);

    assertEquals(1, commands.size());
    ContainerRunner.Start start = assertInstanceOf(ContainerRunner.Start.class, commands.get(0));
    assertEquals(List.of(1L, 2L, 3L), start.tasks().stream().map(ContainerTask::taskId).toList());
    assertEquals(List.of("OrderInfo", "Other", "OrderInfo"), start.tasks().stream().map(ContainerTask::taskName).toList());
    assertEquals("{\"id\":\"id_3\"}", new String(start.tasks().get(2).body(), StandardCharsets.UTF_8));
    for (ContainerTask task : start.tasks()) {
      assertSame(start.group(), task.group());
    }
    assertEquals("TestMapReduceJob", start.group().instance().processor());
    assertEquals(MASTER, start.group().masterPath());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anyDifferenceInTheInstancePartStartsANewGroup(boolean local) throws Exception {
    MasterStartContainerRequest[] requests = {
        request(1, 1).build(),
        request(2, 2).build(),                       // another instance
        request(2, 3).setXattrs("{\"a\":1}").build(), // same instance, other xattrs
        request(2, 4).setXattrs("{\"a\":1}").setTaskMaxAttempt(2).build()};
    List<ContainerRunner.Command> commands = local
        ? ContainerEndpoint.toCommands(List.of(requests), 0, true)
        : ContainerEndpoint.toCommands(overTheWire(requests), 0);

    assertEquals(4, commands.size());
    List<Long> instances = commands.stream().map(c -> ((ContainerRunner.Start) c).group().instanceId()).toList();
    assertEquals(List.of(1L, 2L, 2L, 2L), instances);
    assertEquals("{\"a\":1}", ((ContainerRunner.Start) commands.get(2)).group().instance().xattrs());
    assertEquals(2, ((ContainerRunner.Start) commands.get(3)).group().taskMaxAttempt());
  }

  @Test
  void requestsBuiltInThisJvmGroupLikeRequestsReadOffTheWire() throws Exception {
    List<ContainerRunner.Command> commands = ContainerEndpoint.toCommands(
        List.of(request(1, 1).build(), request(1, 2).build(), request(2, 3).build()), 0, true);

    assertEquals(2, commands.size());
    assertEquals(2, ((ContainerRunner.Start) commands.get(0)).tasks().size());
    assertEquals(3, ((ContainerRunner.Start) commands.get(1)).tasks().get(0).taskId());
  }

  @Test
  void requestsWhoseContentNamesNoProcessorAreRefusedTogether() throws Exception {
    List<ContainerRunner.Command> commands = ContainerEndpoint.toCommands(
        overTheWire(request(1, 1).setContent("{}").build(), request(1, 2).setContent("{}").build(), request(1, 3).build()), 0);

    assertEquals(2, commands.size());
    ContainerRunner.Refuse refuse = assertInstanceOf(ContainerRunner.Refuse.class, commands.get(0));
    assertEquals(List.of(1L, 2L), refuse.tasks().stream().map(ContainerTask::taskId).toList());
    assertInstanceOf(ContainerRunner.Start.class, commands.get(1));
  }

  @Test
  void workflowFieldsReachTheGroupsInstance() throws Exception {
    MasterStartContainerRequest r = request(1, 1).setWorkflowId(30).setWfInstanceId(22)
        .addUpstreamData(com.alibaba.schedulerx.protocol.Common.UpstreamData.newBuilder().setJobName("A").setData("a"))
        .addUpstreamData(com.alibaba.schedulerx.protocol.Common.UpstreamData.newBuilder().setJobName("B").setData(""))
        .build();
    ContainerRunner.Start start = (ContainerRunner.Start) ContainerEndpoint.toCommands(overTheWire(r), 0).get(0);

    dev.schedulerx.worker.task.WorkflowView view = start.group().instance().workflow();
    assertEquals(30L, view.workflowId());
    assertEquals(22L, view.workflowInstanceId());
    assertEquals(List.of(new dev.schedulerx.api.UpstreamResult("A", "a"), new dev.schedulerx.api.UpstreamResult("B", "")),
        view.upstream());
  }

  @Test
  void outsideAWorkflowTheViewIsEmpty() throws Exception {
    ContainerRunner.Start start = (ContainerRunner.Start) ContainerEndpoint.toCommands(overTheWire(request(1, 1).build()), 0).get(0);

    assertSame(dev.schedulerx.worker.task.WorkflowView.NONE, start.group().instance().workflow());
    assertEquals(null, start.group().instance().workflow().workflowId());
  }
}
