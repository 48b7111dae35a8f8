package dev.schedulerx.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.schedulerx.protocol.Common;
import com.alibaba.schedulerx.protocol.Server;
import com.alibaba.schedulerx.protocol.Worker;
import com.google.protobuf.GeneratedMessageV3;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden test: the Akka protobuf serializer uses the Java class name as manifest, so the generated
 * class names must equal the official SchedulerX manifests byte for byte.
 */
class ManifestNamesTest {

  private static final String PKG = "com.alibaba.schedulerx.protocol.";

  static Stream<Arguments> manifests() {
    return Stream.of(
        // common.proto
        m(Common.UpstreamData.class, "Common$UpstreamData"),
        m(Common.LabelWorkerAddrsEntry.class, "Common$LabelWorkerAddrsEntry"),
        // server.proto
        m(Server.ServerSubmitJobInstanceRequest.class, "Server$ServerSubmitJobInstanceRequest"),
        m(Server.ServerSubmitJobInstanceResponse.class, "Server$ServerSubmitJobInstanceResponse"),
        m(Server.ServerKillJobInstanceRequest.class, "Server$ServerKillJobInstanceRequest"),
        m(Server.ServerKillJobInstanceResponse.class, "Server$ServerKillJobInstanceResponse"),
        m(Server.ServerKillTaskRequest.class, "Server$ServerKillTaskRequest"),
        m(Server.ServerKillTaskResponse.class, "Server$ServerKillTaskResponse"),
        m(Server.ServerRetryTasksRequest.class, "Server$ServerRetryTasksRequest"),
        m(Server.RetryTaskEntity.class, "Server$RetryTaskEntity"),
        m(Server.ServerCheckTaskMasterRequest.class, "Server$ServerCheckTaskMasterRequest"),
        m(Server.ServerCheckTaskMasterResponse.class, "Server$ServerCheckTaskMasterResponse"),
        m(Server.ServerThreadDumpRequest.class, "Server$ServerThreadDumpRequest"),
        m(Server.ServerCallbackCalendarRequest.class, "Server$ServerCallbackCalendarRequest"),
        m(Server.ServerReadLogCharsResponse.class, "Server$ServerReadLogCharsResponse"),
        m(Server.ServerSyncK8sCronJobRequest.class, "Server$ServerSyncK8sCronJobRequest"),
        // worker.proto: worker -> server
        m(Worker.WorkerHeartBeatRequest.class, "Worker$WorkerHeartBeatRequest"),
        m(Worker.WorkerHeartBeatResponse.class, "Worker$WorkerHeartBeatResponse"),
        m(Worker.WorkerReportJobInstanceStatusRequest.class,
            "Worker$WorkerReportJobInstanceStatusRequest"),
        m(Worker.WorkerReportJobInstanceStatusResponse.class,
            "Worker$WorkerReportJobInstanceStatusResponse"),
        m(Worker.WorkerReportJobInstanceProgressRequest.class,
            "Worker$WorkerReportJobInstanceProgressRequest"),
        m(Worker.WorkerQueryJobInstanceStatusRequest.class,
            "Worker$WorkerQueryJobInstanceStatusRequest"),
        // worker.proto: master <-> container
        m(Worker.MasterStartContainerRequest.class, "Worker$MasterStartContainerRequest"),
        m(Worker.MasterBatchStartContainersRequest.class,
            "Worker$MasterBatchStartContainersRequest"),
        m(Worker.MasterKillContainerRequest.class, "Worker$MasterKillContainerRequest"),
        m(Worker.MasterKillContainerResponse.class, "Worker$MasterKillContainerResponse"),
        m(Worker.MasterDestroyContainerPoolRequest.class,
            "Worker$MasterDestroyContainerPoolRequest"),
        m(Worker.MasterCheckWorkerAliveRequest.class, "Worker$MasterCheckWorkerAliveRequest"),
        m(Worker.ContainerReportTaskStatusRequest.class,
            "Worker$ContainerReportTaskStatusRequest"),
        m(Worker.ContainerBatchReportTaskStatuesRequest.class,
            "Worker$ContainerBatchReportTaskStatuesRequest"),
        m(Worker.TaskStatusInfo.class, "Worker$TaskStatusInfo"),
        m(Worker.ContainerCheckZombieRequest.class, "Worker$ContainerCheckZombieRequest"),
        m(Worker.WorkerMapTaskRequest.class, "Worker$WorkerMapTaskRequest"),
        m(Worker.WorkerMapTaskResponse.class, "Worker$WorkerMapTaskResponse"),
        // worker.proto: pull model
        m(Worker.MasterNotifyWorkerPullRequest.class, "Worker$MasterNotifyWorkerPullRequest"),
        m(Worker.MasterNotifyWorkerPullResponse.class, "Worker$MasterNotifyWorkerPullResponse"),
        m(Worker.PullTaskFromMasterRequest.class, "Worker$PullTaskFromMasterRequest"),
        m(Worker.WorkerOfflineRequest.class, "Worker$WorkerOfflineRequest"),
        // worker.proto: server-side task store
        m(Worker.WorkerBatchCreateTasksRequest.class, "Worker$WorkerBatchCreateTasksRequest"),
        m(Worker.WorkerPullTasksRequest.class, "Worker$WorkerPullTasksRequest"),
        m(Worker.WorkerBatchReportTaskStatuesRequest.class,
            "Worker$WorkerBatchReportTaskStatuesRequest"),
        m(Worker.BatchTaskStatues.class, "Worker$BatchTaskStatues"),
        m(Worker.WorkerReportTaskListStatusResponse.class,
            "Worker$WorkerReportTaskListStatusResponse"),
        m(Worker.WorkerBatchUpdateTaskStatusRequest.class,
            "Worker$WorkerBatchUpdateTaskStatusRequest"),
        m(Worker.WorkerClearTasksRequest.class, "Worker$WorkerClearTasksRequest"));
  }

  private static Arguments m(Class<? extends GeneratedMessageV3> type, String nested) {
    return Arguments.of(type, PKG + nested);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("manifests")
  void javaClassNameIsOfficialManifest(Class<?> type, String manifest) throws Exception {
    assertThat(type.getName()).isEqualTo(manifest);
    // the manifest must also resolve back to the class (what a Java peer does on receipt)
    assertThat(Class.forName(manifest)).isSameAs(type);
  }
}
