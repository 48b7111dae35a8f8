package dev.schedulerx.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.alibaba.schedulerx.common.domain.InstanceStatus;
import com.alibaba.schedulerx.common.domain.TimeType;
import com.alibaba.schedulerx.common.domain.TriggerType;
import com.alibaba.schedulerx.common.sdk.common.JobInstanceDetail;
import com.alibaba.schedulerx.common.sdk.common.SchedulerXResult;
import com.alibaba.schedulerx.common.sdk.request.BaseRequest;
import com.alibaba.schedulerx.common.sdk.request.ExecuteJobRequest;
import com.alibaba.schedulerx.common.sdk.request.GetJobInstanceListRequest;
import com.alibaba.schedulerx.common.sdk.request.GetJobInstanceRequest;
import com.alibaba.schedulerx.common.sdk.response.BaseResponse;
import com.alibaba.schedulerx.common.sdk.response.ExecuteJobResponse;
import com.alibaba.schedulerx.sdk.OpenApiClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The official SchedulerX OpenAPI client ({@code com.alibaba.schedulerx.sdk.OpenApiClient} of schedulerx2-worker
 * 1.11.4) pointed at our server, with the two ways a test reads an answer: {@link #ok} for a request that must
 * succeed and be readable by the client's own classes, {@link #refused} for one that must be refused with a
 * reason. Tests assert what the client's classes parsed, never raw JSON.
 */
final class OpenApi {
  static final int RUNNING = InstanceStatus.RUNNING.getValue();
  static final int SUCCESS = InstanceStatus.SUCCESS.getValue();
  static final int FAILED = InstanceStatus.FAILED.getValue();
  static final int TRIGGER_RERUN = TriggerType.RERUN.getValue();
  static final int TRIGGER_API = TriggerType.API.getValue();
  static final int TRIGGER_USER_RETRY = TriggerType.USER_RETRY.getValue();

  final OpenApiClient client;
  final String groupId;

  private OpenApi(OpenApiClient client, String groupId) {
    this.client = client;
    this.groupId = groupId;
  }

  /** The client as a SchedulerX user builds it: app key, group, domain; then the namespace. */
  static OpenApi of(String domain, String namespace, String groupId, String appKey) {
    OpenApiClient client = new OpenApiClient(appKey, groupId, domain);
    client.setNamespace(namespace);
    return new OpenApi(client, groupId);
  }

  /** The same with a user ("name id"), which the client sends as {@code user}, {@code userName}, {@code userId}. */
  static OpenApi asUser(String domain, String namespace, String groupId, String appKey, String user) {
    OpenApiClient client = new OpenApiClient(appKey, groupId, domain, user);
    client.setNamespace(namespace);
    return new OpenApi(client, groupId);
  }

  /**
   * Sends {@code request} and returns what the client parsed into its response class. Fails the test, with the
   * client's own message, when the answer was unreadable ("json transfer failed", code -10000), carried no
   * envelope (code 0 with success=false) or was a refusal.
   */
  <T extends BaseResponse> T ok(BaseRequest<T> request) {
    SchedulerXResult<T> result = send(request);
    String what = describe(request) + " answered " + result;
    if (result.getMessage() != null && result.getMessage().contains("json transfer failed")) {
      fail(what + ": the client could not read the answer");
    }
    if (result.getCode() == -10000) {
      fail(what + ": the client failed (code -10000)");
    }
    if (!result.isSuccess() && result.getCode() == 0) {
      fail(what + ": no SchedulerX envelope (code 0, success=false)");
    }
    if (!result.isSuccess()) {
      fail(what + ": refused");
    }
    return result.getData();
  }

  /** {@link #ok} for {@link ExecuteJobRequest}, whose class is a raw BaseRequest: the new instance's id. */
  long execute(long jobId, String instanceParameters) {
    ExecuteJobRequest request = new ExecuteJobRequest();
    request.setJobId(jobId);
    if (instanceParameters != null) {
      request.setInstanceParameters(instanceParameters);
    }
    return execute(request);
  }

  /** {@link #ok} for an {@link ExecuteJobRequest} built by the caller: the new instance's id. */
  long execute(ExecuteJobRequest request) {
    @SuppressWarnings("unchecked")
    BaseRequest<ExecuteJobResponse> typed = (BaseRequest<ExecuteJobResponse>) (BaseRequest<?>) request;
    ExecuteJobResponse response = ok(typed);
    assertThat(response).as("execute's answer").isNotNull();
    assertThat(response.getJobInstanceId()).as("jobInstanceId of the execute answer").isPositive();
    return response.getJobInstanceId();
  }

  /**
   * Sends a request that must be refused: success=false, a code that is neither 0 (no envelope) nor -10000 (an
   * answer the client could not read), and a message containing each of {@code reasons} (case-insensitive).
   * Returns the client's result.
   */
  SchedulerXResult<?> refused(BaseRequest<?> request, String... reasons) {
    SchedulerXResult<?> result = send(request);
    String what = describe(request) + " answered " + result;
    assertThat(result.isSuccess()).as(what + ": expected a refusal").isFalse();
    assertThat(result.getCode()).as(what + ": expected a SchedulerX code").isNotIn(0, -10000);
    assertThat(result.getMessage()).as(what + ": expected a reason").isNotBlank();
    for (String reason : reasons) {
      assertThat(result.getMessage()).as(what).containsIgnoringCase(reason);
    }
    return result;
  }

  /** The instance as instance/get reads it; fails unless the client could read it. */
  JobInstanceDetail instance(long jobId, long instanceId) {
    GetJobInstanceRequest request = new GetJobInstanceRequest();
    request.setJobId(jobId);
    request.setJobInstanceId(instanceId);
    JobInstanceDetail detail = ok(request).getJobInstanceDetail();
    assertThat(detail).as("jobInstanceDetail of instance " + instanceId).isNotNull();
    assertMappable(detail);
    return detail;
  }

  /** Reads the instance through instance/get until its status is one of {@code statuses}; returns it then. */
  JobInstanceDetail awaitStatus(long jobId, long instanceId, Duration within, Integer... statuses) {
    Set<Integer> wanted = Set.of(statuses);
    AtomicReference<JobInstanceDetail> last = new AtomicReference<>();
    await("instance " + instanceId + " of job " + jobId + " with status in " + wanted)
        .atMost(within).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          last.set(instance(jobId, instanceId));
          return wanted.contains(last.get().getStatus());
        });
    return last.get();
  }

  /** instance/getList of {@code jobId} with the filters given (nulls left out, so not sent). */
  List<JobInstanceDetail> instances(long jobId, Integer status, Long startTimestamp, Long endTimestamp, Integer pageNum, Integer pageSize) {
    GetJobInstanceListRequest request = new GetJobInstanceListRequest();
    request.setJobId(jobId);
    if (status != null) {
      request.setStatus(status);
    }
    if (startTimestamp != null) {
      request.setStartTimestamp(startTimestamp);
    }
    if (endTimestamp != null) {
      request.setEndTimestamp(endTimestamp);
    }
    if (pageNum != null) {
      request.setPageNum(pageNum);
    }
    if (pageSize != null) {
      request.setPageSize(pageSize);
    }
    List<JobInstanceDetail> list = ok(request).getJobInstanceDetails();
    assertThat(list).as("jobInstanceDetails of job " + jobId).isNotNull();
    list.forEach(OpenApi::assertMappable);
    return list;
  }

  /**
   * The numbers of an instance are ones the jar's own enums know: a client that maps them (InstanceStatus,
   * TriggerType, TimeType .parseValue) must not meet an exception.
   */
  static void assertMappable(JobInstanceDetail detail) {
    String what = "instance " + detail.getInstanceId() + " " + detail;
    assertThat(Arrays.stream(InstanceStatus.values()).map(InstanceStatus::getValue))
        .as("status of " + what + ", one of the client's InstanceStatus values").contains(detail.getStatus());
    assertThat(Arrays.stream(TriggerType.values()).map(TriggerType::getValue))
        .as("triggerType of " + what + ", one of the client's TriggerType values").contains(detail.getTriggerType());
    assertThat(Arrays.stream(TimeType.values()).map(TimeType::getValue))
        .as("timeType of " + what + ", one of the client's TimeType values").contains(detail.getTimeType());
  }

  private <T extends BaseResponse> SchedulerXResult<T> send(BaseRequest<T> request) {
    try {
      return client.getResponse(request);
    } catch (Exception e) {
      // RequestCheckException: the client refused to send it (a test built the request wrong)
      throw new AssertionError(describe(request) + " was not sent: " + e, e);
    }
  }

  private String describe(BaseRequest<?> request) {
    return request.getClass().getSimpleName() + " " + request.getUrlPath() + " " + request.getParameterMap() + " (group " + groupId + ")";
  }
}
