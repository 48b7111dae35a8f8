package dev.schedulerx.worker.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.alibaba.schedulerx.protocol.Common.UpstreamData;
import com.alibaba.schedulerx.protocol.Server.ServerSubmitJobInstanceRequest;
import dev.schedulerx.api.UpstreamResult;
import dev.schedulerx.worker.task.InstanceSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A submit read off the wire becomes the daemon's instance spec, workflow view included. */
class JobInstanceEndpointTest {
  private static ServerSubmitJobInstanceRequest.Builder submit() {
    return ServerSubmitJobInstanceRequest.newBuilder()
        .setJobId(7).setJobInstanceId(11).setScheduleTime(1_000).setDataTime(1_000)
        .setJobType("java").setExecuteMode("standalone").setContent("{\"className\":\"HelloWorld\"}").setUser("u")
        .setJobConcurrency(1).setRegionId(0).setAppGroupId(1).setGroupId("g").setJobName("C");
  }

  @Test
  void workflowIdsAndUpstreamResultsReachTheSpec() throws Exception {
    byte[] wire = submit().setWorkflowId(5).setWfInstanceId(9)
        .addUpstreamData(UpstreamData.newBuilder().setJobName("A").setData("ra"))
        .addUpstreamData(UpstreamData.newBuilder().setJobName("B").setData("rb"))
        .build().toByteArray();

    InstanceSpec spec = JobInstanceEndpoint.toSpec(ServerSubmitJobInstanceRequest.parseFrom(wire));

    assertEquals(5L, spec.workflow().workflowId());
    assertEquals(9L, spec.workflow().workflowInstanceId());
    assertEquals(List.of(new UpstreamResult("A", "ra"), new UpstreamResult("B", "rb")), spec.workflow().upstream());
  }

  @Test
  void aPlainSubmitHasNoWorkflow() {
    InstanceSpec spec = JobInstanceEndpoint.toSpec(submit().build());

    assertNull(spec.workflow().workflowId());
    assertNull(spec.workflow().workflowInstanceId());
    assertEquals(List.of(), spec.workflow().upstream());
  }
}
