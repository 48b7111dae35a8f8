package dev.schedulerx.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alibaba.schedulerx.protocol.Common;
import com.alibaba.schedulerx.protocol.Server;
import com.alibaba.schedulerx.protocol.Worker;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Wire-level facts (field numbers, labels, defaults) and proto2 required-field semantics. */
class WireFieldNumbersTest {

  static Stream<Arguments> fieldNumbers() {
    return Stream.of(
        Arguments.of(Server.ServerSubmitJobInstanceRequest.getDescriptor(), "job_id", 1),
        Arguments.of(Server.ServerSubmitJobInstanceRequest.getDescriptor(), "workers", 11),
        Arguments.of(Server.ServerSubmitJobInstanceRequest.getDescriptor(), "upstreamData", 16),
        Arguments.of(
            Server.ServerSubmitJobInstanceRequest.getDescriptor(), "label_worker_addrs_map", 28),
        Arguments.of(Server.ServerSubmitJobInstanceRequest.getDescriptor(), "template", 29),
        Arguments.of(Server.ServerSubmitJobInstanceRequest.getDescriptor(), "wf_instance_id", 22),
        Arguments.of(Server.ServerSubmitJobInstanceRequest.getDescriptor(), "workflow_id", 30),
        Arguments.of(Worker.MasterStartContainerRequest.getDescriptor(), "upstreamData", 16),
        Arguments.of(Worker.MasterStartContainerRequest.getDescriptor(), "wf_instance_id", 22),
        Arguments.of(Worker.MasterStartContainerRequest.getDescriptor(), "workflow_id", 34),
        Arguments.of(Server.ServerRetryTasksRequest.getDescriptor(), "retry_task_entity", 23),
        Arguments.of(Server.ServerRetryTasksRequest.getDescriptor(), "job_name", 24),
        Arguments.of(Server.ServerKillJobInstanceRequest.getDescriptor(), "destory_job", 4),
        Arguments.of(Worker.WorkerHeartBeatRequest.getDescriptor(), "rpc_port", 12),
        Arguments.of(Worker.WorkerHeartBeatRequest.getDescriptor(), "job_instance_id", 5),
        Arguments.of(Worker.MasterStartContainerRequest.getDescriptor(), "app_group_id", 33),
        Arguments.of(
            Worker.MasterStartContainerRequest.getDescriptor(), "instance_master_akka_path", 10),
        Arguments.of(Worker.ContainerReportTaskStatusRequest.getDescriptor(), "traceId", 13),
        Arguments.of(
            Worker.ContainerBatchReportTaskStatuesRequest.getDescriptor(),
            "task_master_akka_path", 4),
        Arguments.of(Worker.WorkerReportTaskStatusRequest.getDescriptor(), "job_instance_id", 6),
        Arguments.of(Common.LabelWorkerAddrsEntry.getDescriptor(), "workerAddrs", 2));
  }

  @ParameterizedTest(name = "{0}.{1} = {2}")
  @MethodSource("fieldNumbers")
  void fieldNumber(Descriptor message, String field, int number) {
    FieldDescriptor fd = message.findFieldByName(field);
    assertThat(fd).as("%s.%s", message.getName(), field).isNotNull();
    assertThat(fd.getNumber()).isEqualTo(number);
  }

  @Test
  void labels() {
    Descriptor submit = Server.ServerSubmitJobInstanceRequest.getDescriptor();
    assertThat(submit.findFieldByName("job_concurrency").isRequired()).isTrue();
    assertThat(submit.findFieldByName("app_group_id").isRequired()).isTrue();
    assertThat(submit.findFieldByName("xattrs").isRequired()).isFalse();
    assertThat(submit.findFieldByName("workers").isRepeated()).isTrue();

    Descriptor hb = Worker.WorkerHeartBeatRequest.getDescriptor();
    assertThat(hb.findFieldByName("worker_id").isRequired()).isTrue();
    assertThat(hb.findFieldByName("app_group_id").isOptional()).isTrue();

    Descriptor start = Worker.MasterStartContainerRequest.getDescriptor();
    assertThat(start.findFieldByName("group_id").isRequired()).isTrue();
    assertThat(start.findFieldByName("app_group_id").isOptional()).isTrue();

    Descriptor statusResp = Worker.WorkerReportJobInstanceStatusResponse.getDescriptor();
    assertThat(statusResp.findFieldByName("delivery_id").isRequired()).isTrue();

    Descriptor progress = Worker.WorkerReportTaskProgressRequest.getDescriptor();
    assertThat(progress.findFieldByName("progress").getType())
        .isEqualTo(FieldDescriptor.Type.FLOAT);
  }

  @Test
  void defaults() {
    assertThat(Server.ServerThreadDumpRequest.getDefaultInstance().getLine()).isEqualTo(20);
    assertThat(Server.ServerThreadDumpRequest.getDefaultInstance().getTaskId()).isEqualTo(1L);
    assertThat(Server.ServerTailLogRequest.getDefaultInstance().getTaskId()).isEqualTo(1L);
    assertThat(Worker.MasterStartContainerRequest.getDefaultInstance().getFailover()).isFalse();
    FieldDescriptor msg = Worker.WorkerHeartBeatResponse.getDescriptor().findFieldByName("message");
    assertThat(msg.hasDefaultValue()).isTrue();
    assertThat(msg.getDefaultValue()).isEqualTo("");
  }

  @Test
  void reportJobInstanceStatusRoundTrip() throws Exception {
    Worker.WorkerReportJobInstanceStatusRequest req =
        Worker.WorkerReportJobInstanceStatusRequest.newBuilder()
            .setJobId(42L)
            .setJobInstanceId(123456789012L)
            .setStatus(4)
            .setResult("ok")
            .setProgress("{\"total\":10,\"succeed\":10}")
            .setDeliveryId(7L)
            .setAlreadyUnConfirmRetry(true)
            .setGroupId("demo.group")
            .setTraceId("trace-1")
            .build();
    assertThat(req.getAllFields()).hasSize(9);

    byte[] bytes = req.toByteArray();
    Worker.WorkerReportJobInstanceStatusRequest back =
        Worker.WorkerReportJobInstanceStatusRequest.parseFrom(bytes);

    assertThat(back).isEqualTo(req);
    assertThat(back.toByteArray()).isEqualTo(bytes);
    // first bytes on the wire: field 1 varint (tag 0x08) = 42, field 2 varint (tag 0x10)
    assertThat(bytes[0]).isEqualTo((byte) 0x08);
    assertThat(bytes[1]).isEqualTo((byte) 42);
    assertThat(bytes[2]).isEqualTo((byte) 0x10);
  }

  @Test
  void missingRequiredFieldIsRejectedOnParse() {
    // job_id and job_instance_id present, required 'status' (3) missing
    byte[] bytes =
        Worker.WorkerReportJobInstanceStatusRequest.newBuilder()
            .setJobId(1L)
            .setJobInstanceId(2L)
            .buildPartial()
            .toByteArray();
    assertThatThrownBy(() -> Worker.WorkerReportJobInstanceStatusRequest.parseFrom(bytes))
        .isInstanceOf(InvalidProtocolBufferException.class);

    // nested required fields count too: UpstreamData without 'data'
    byte[] nested =
        Server.ServerSubmitJobInstanceRequest.newBuilder()
            .addUpstreamData(Common.UpstreamData.newBuilder().setJobName("up").buildPartial())
            .buildPartial()
            .toByteArray();
    assertThatThrownBy(() -> Server.ServerSubmitJobInstanceRequest.parseFrom(nested))
        .isInstanceOf(InvalidProtocolBufferException.class);

    // and the empty message, which lacks every required field
    assertThatThrownBy(() -> Worker.WorkerHeartBeatRequest.parseFrom(new byte[0]))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }
}
