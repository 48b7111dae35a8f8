package dev.schedulerx.interop;

import static dev.schedulerx.interop.OpenApi.FAILED;
import static dev.schedulerx.interop.OpenApi.RUNNING;
import static dev.schedulerx.interop.OpenApi.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.schedulerx.common.domain.InstanceStatus;
import com.alibaba.schedulerx.common.domain.WorkerInfo;
import com.alibaba.schedulerx.common.sdk.common.DesignateDetail;
import com.alibaba.schedulerx.common.sdk.common.JavaJobConfig;
import com.alibaba.schedulerx.common.sdk.common.JobInstanceDetail;
import com.alibaba.schedulerx.common.sdk.common.TimeConfig;
import com.alibaba.schedulerx.common.sdk.request.DesignateWorkersRequest;
import com.alibaba.schedulerx.common.sdk.request.ExecuteJobRequest;
import com.alibaba.schedulerx.common.sdk.request.GetJobDesignateInfoRequest;
import com.alibaba.schedulerx.common.sdk.request.GetLogRequest;
import com.alibaba.schedulerx.common.sdk.request.GetOverviewRequest;
import com.alibaba.schedulerx.common.sdk.request.GetWorkerListRequest;
import com.alibaba.schedulerx.common.sdk.request.KillInstanceRequest;
import com.alibaba.schedulerx.common.sdk.request.RerunJobRequest;
import com.alibaba.schedulerx.common.sdk.request.RetryJobInstanceRequest;
import com.alibaba.schedulerx.common.sdk.request.SetJobInstanceSuccessRequest;
import com.alibaba.schedulerx.common.sdk.response.GetJobDesignateInfoResponse;
import dev.schedulerx.interop.daemon.OpenApiProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs through the official SchedulerX OpenAPI client against our server with two of our daemons (labels blue
 * and green), all shared by the class: execute, instance get/getList with their filters, kill, retry, setSuccess,
 * log/get, job/rerun (backfill), designated workers, worker list and overview. Assertions are on what the client's
 * classes parsed: dates arrive as {@link Date}, statuses and trigger types as the jar's numbers.
 */
@Tag("interop")
@Tag("slow")
class OpenApiInstancesTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String PROBE = OpenApiProbe.class.getName();

  @TempDir static Path dir;
  private static OurServer server;
  private static Processes blue;
  private static Processes green;
  private static OpenApi api;

  @BeforeAll
  static void start() throws Exception {
    server = OurServer.start(dir);
    blue = OurDaemonProcess.launch("daemon blue", server.domain(), dir.resolve("blue"), "256m",
        OurServer.GROUP, OurServer.APP_KEY, "blue", OpenApiProbe.class);
    green = OurDaemonProcess.launch("daemon green", server.domain(), dir.resolve("green"), "256m",
        OurServer.GROUP, OurServer.APP_KEY, "green", OpenApiProbe.class);
    OurDaemonProcess.awaitReady(blue);
    OurDaemonProcess.awaitReady(green);
    api = OpenApi.of(server.domain(), OurServer.NAMESPACE, OurServer.GROUP, OurServer.APP_KEY);
    await("both daemons registered").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
        .until(() -> server.workers().size() == 2);
  }

  @AfterAll
  static void stop() {
    Processes.closeEach(blue, green, server);
  }

  private static List<WorkerInfo> workers() {
    List<WorkerInfo> workers = api.ok(new GetWorkerListRequest()).getWorkers();
    assertThat(workers).as("workers of group/getWorkerList").isNotNull();
    return workers;
  }

  private static long createJob(String name, Consumer<JavaJobConfig> settings) {
    JavaJobConfig config = OpenApiJobsTest.javaJob(name, PROBE);
    settings.accept(config);
    return OpenApiJobsTest.create(api, config);
  }

  private static void assertNear(Date date, Instant expected, String what) {
    assertThat(date).as(what).isNotNull();
    assertThat(Duration.between(expected, date.toInstant()).abs()).as(what + " = " + date.toInstant() + ", near " + expected)
        .isLessThan(Duration.ofSeconds(60));
  }

  private static String pidOf(Processes daemon) {
    return "pid" + daemon.pid() + " ";
  }

  // ---- execute, instance/get ----

  @Test
  void anExecutedJobReadsBackThroughInstanceGetWithDatesTheClientParsed() {
    long job = createJob("execute-me", c -> c.setParameters("from-the-job"));
    Instant before = Instant.now();

    long id = api.execute(job, "from-the-run");
    JobInstanceDetail done = api.awaitStatus(job, id, DEADLINE, SUCCESS, FAILED);

    assertThat(done.getStatus()).as(done.toString()).isEqualTo(SUCCESS);
    assertThat(done.getInstanceId()).isEqualTo(id);
    assertThat(done.getJobId()).isEqualTo(job);
    assertThat(done.getJobName()).isEqualTo("execute-me");
    assertThat(done.getTriggerType()).as("triggerType (3 = api)").isEqualTo(OpenApi.TRIGGER_API);
    assertThat(done.getParameters()).isEqualTo("from-the-run");
    assertThat(done.getResult()).startsWith("probe from-the-run on pid");
    assertThat(done.getExecutor()).as("executor").isNotBlank();
    assertThat(done.getWorkAddr()).as("workAddr").isNotBlank();
    assertNear(done.getStartTime(), before, "startTime");
    assertNear(done.getEndTime(), before, "endTime");
    assertNear(done.getScheduleTime(), before, "scheduleTime");
    assertThat(done.getEndTime()).isAfterOrEqualTo(done.getStartTime());
    assertThat(done.getDataTime()).as("dataTime").isNotNull();
  }

  @Test
  void aDisabledJobRunsOnlyWhenTheCallerSendsCheckJobStatusFalse() {
    long job = createJob("disabled-run", c -> c.setStatus(0));
    ExecuteJobRequest checked = new ExecuteJobRequest();
    checked.setJobId(job);

    api.refused(checked, "disabled");

    assertThat(api.instances(job, null, null, null, null, null)).as("runs after the refusal").isEmpty();
    ExecuteJobRequest unchecked = new ExecuteJobRequest();
    unchecked.setJobId(job);
    unchecked.setCheckJobStatus(false);
    unchecked.setInstanceParameters("anyway");
    long id = api.execute(unchecked);
    assertThat(api.awaitStatus(job, id, DEADLINE, SUCCESS, FAILED).getStatus()).isEqualTo(SUCCESS);
  }

  @Test
  void executeRunsOnTheWorkerOrLabelTheCallerDesignatesForThatRun() {
    WorkerInfo blueWorker = workers().stream().filter(w -> "blue".equals(w.getLabel())).findFirst().orElseThrow();
    long job = createJob("designated-run", c -> {});
    for (int run = 0; run < 2; run++) {
      ExecuteJobRequest onBlue = new ExecuteJobRequest();
      onBlue.setJobId(job);
      onBlue.setDesignateType(1);
      onBlue.setWorker(blueWorker.getWorkerAddr());
      long id = api.execute(onBlue);
      assertThat(api.awaitStatus(job, id, DEADLINE, SUCCESS, FAILED).getResult()).as("worker run " + run).contains(pidOf(blue));

      ExecuteJobRequest onGreen = new ExecuteJobRequest();
      onGreen.setJobId(job);
      onGreen.setDesignateType(2);
      onGreen.setLabel("green");
      long greenId = api.execute(onGreen);
      assertThat(api.awaitStatus(job, greenId, DEADLINE, SUCCESS, FAILED).getResult()).as("label run " + run).contains(pidOf(green));
    }
    assertThat(OpenApiJobsTest.job(api, job).getHasDesignate()).as("a run's designation is not the job's").isNotEqualTo(Boolean.TRUE);
  }

  // ---- instance/getList ----

  @Test
  void instanceGetListHonoursStatusTimeWindowAndPaging() {
    long job = createJob("list-runs", c -> {});
    long first = api.execute(job, "one");
    api.awaitStatus(job, first, DEADLINE, SUCCESS, FAILED);
    long failed = api.execute(job, "fail");
    api.awaitStatus(job, failed, DEADLINE, SUCCESS, FAILED);
    long third = api.execute(job, "three");
    api.awaitStatus(job, third, DEADLINE, SUCCESS, FAILED);
    long now = System.currentTimeMillis();

    List<JobInstanceDetail> all = api.instances(job, null, null, null, null, null);
    assertThat(all).extracting(JobInstanceDetail::getInstanceId).containsExactlyInAnyOrder(first, failed, third);
    assertThat(all).allSatisfy(i -> {
      assertThat(i.getStartTime()).as("startTime of " + i.getInstanceId()).isNotNull();
      assertThat(i.getEndTime()).as("endTime of " + i.getInstanceId()).isNotNull();
      assertThat(i.getTriggerType()).isEqualTo(OpenApi.TRIGGER_API);
    });
    assertThat(api.instances(job, FAILED, null, null, null, null)).extracting(JobInstanceDetail::getInstanceId)
        .as("status 5").containsExactly(failed);
    assertThat(api.instances(job, SUCCESS, null, null, null, null)).extracting(JobInstanceDetail::getInstanceId)
        .as("status 4").containsExactlyInAnyOrder(first, third);
    assertThat(api.instances(job, null, now - 3_600_000, now + 60_000, null, null)).as("the last hour").hasSize(3);
    assertThat(api.instances(job, null, now - 7_200_000, now - 3_600_000, null, null)).as("an hour before that").isEmpty();
    List<JobInstanceDetail> page1 = api.instances(job, null, null, null, 1, 2);
    List<JobInstanceDetail> page2 = api.instances(job, null, null, null, 2, 2);
    assertThat(page1).as("page 1 of size 2").hasSize(2);
    assertThat(page2).as("page 2 of size 2").hasSize(1);
    assertThat(IntStream.range(0, 3).mapToObj(i -> i < 2 ? page1.get(i) : page2.get(0)))
        .extracting(JobInstanceDetail::getInstanceId).containsExactlyInAnyOrder(first, failed, third);
  }

  // ---- kill, retry, setSuccess ----

  @Test
  void killEndsARunningInstance() {
    long job = createJob("to-kill", c -> {});
    long id = api.execute(job, "hang");
    api.awaitStatus(job, id, DEADLINE, RUNNING);

    KillInstanceRequest kill = new KillInstanceRequest();
    kill.setJobId(job);
    kill.setInstanceId(id);
    api.ok(kill);

    await("instance " + id + " ended").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
        .until(() -> api.instance(job, id).getEndTime() != null);
    JobInstanceDetail killed = api.instance(job, id);
    InstanceStatus status = InstanceStatus.parseValue(killed.getStatus());
    assertThat(status.isFinish()).as("a finished status: " + status).isTrue();
    assertThat(status).isNotEqualTo(InstanceStatus.SUCCESS);
  }

  @Test
  void retryRunsAFailedInstanceAgainAsAUserRetry() {
    long job = createJob("to-retry", c -> {});
    long failed = api.execute(job, "fail");
    JobInstanceDetail original = api.awaitStatus(job, failed, DEADLINE, SUCCESS, FAILED);
    assertThat(original.getStatus()).isEqualTo(FAILED);

    RetryJobInstanceRequest retry = new RetryJobInstanceRequest();
    retry.setJobId(job);
    retry.setInstanceId(failed);
    api.ok(retry);

    await("the retry's instance ended").atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() ->
        api.instances(job, null, null, null, null, null).stream()
            .anyMatch(i -> i.getInstanceId() != failed && i.getEndTime() != null));
    JobInstanceDetail again = api.instances(job, null, null, null, null, null).stream()
        .filter(i -> i.getInstanceId() != failed).findFirst().orElseThrow();
    assertThat(again.getTriggerType()).as("triggerType (4 = user retry)").isEqualTo(OpenApi.TRIGGER_USER_RETRY);
    assertThat(again.getAttempt()).isGreaterThan(original.getAttempt());
    assertThat(again.getParameters()).isEqualTo("fail");
    assertThat(again.getScheduleTime()).isEqualTo(original.getScheduleTime());
    assertThat(again.getStatus()).isEqualTo(FAILED);
  }

  @Test
  void setSuccessMarksAFailedInstanceSuccess() {
    long job = createJob("to-set-success", c -> {});
    long id = api.execute(job, "fail");
    assertThat(api.awaitStatus(job, id, DEADLINE, SUCCESS, FAILED).getStatus()).isEqualTo(FAILED);

    SetJobInstanceSuccessRequest request = new SetJobInstanceSuccessRequest();
    request.setJobId(job);
    request.setId(id);
    api.ok(request);

    assertThat(api.instance(job, id).getStatus()).isEqualTo(SUCCESS);
  }

  // ---- log/get ----

  @Test
  void logGetAnswersTheLinesTheJobLoggedWithKeywordOffsetAndLineCount() {
    long job = createJob("logger", c -> {});
    long id = api.execute(job, "log:5");
    assertThat(api.awaitStatus(job, id, DEADLINE, SUCCESS, FAILED).getStatus()).isEqualTo(SUCCESS);

    await("5 lines through log/get").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
        .until(() -> logs(job, id, r -> {}).stream().filter(l -> l.contains("probe line ")).count() == 5);
    List<String> lines = logs(job, id, r -> {});
    for (int i = 1; i <= 5; i++) {
      String expected = "probe line " + i + " of instance " + id;
      assertThat(lines).as("lines of instance " + id).anyMatch(l -> l.contains(expected));
    }
    assertThat(logs(job, id, r -> r.setKeyword("probe line 3 "))).as("keyword").singleElement().asString().contains("probe line 3 ");
    assertThat(logs(job, id, r -> {
      r.setKeyword("probe line");
      r.setLine(2);
    })).as("keyword, line 2").hasSize(2);
    assertThat(logs(job, id, r -> {
      r.setKeyword("probe line");
      r.setOffset(3);
      r.setLine(10);
    })).as("keyword, offset 3, line 10").hasSize(2);
    List<String> oldestFirst = logs(job, id, r -> {
      r.setKeyword("probe line");
      r.setReverse(false);
    });
    assertThat(oldestFirst).as("reverse=false: oldest first").hasSize(5);
    for (int i = 0; i < 5; i++) {
      assertThat(oldestFirst.get(i)).as("line " + i + " of " + oldestFirst).contains("probe line " + (i + 1) + " ");
    }
    assertThat(logs(job, id, r -> {
      r.setKeyword("probe line");
      r.setLine(1);
    })).as("the default order: newest first").singleElement().asString().contains("probe line 5 ");
    long now = System.currentTimeMillis();
    assertThat(logs(job, id, r -> {
      r.setStartTimestamp(now - 3_600_000);
      r.setEndTimestamp(now - 1_800_000);
    })).as("lines logged in a window before the run").isEmpty();
  }

  private static List<String> logs(long job, long instance, Consumer<GetLogRequest> settings) {
    GetLogRequest request = new GetLogRequest();
    request.setJobId(job);
    request.setJobInstanceId(instance);
    settings.accept(request);
    List<String> logs = api.ok(request).getLogs();
    assertThat(logs).as("logs of log/get").isNotNull();
    return logs;
  }

  // ---- job/rerun ----

  @Test
  void rerunBackfillsOneRunPerScheduleTimeWithItsDataTimeOldestFirst() {
    // A daily 02:00 job: three days, three runs, whether the data time comes from the schedule or from dataDateTime.
    long job = createJob("backfill", c -> {
      TimeConfig time = new TimeConfig(TimeConfig.CRORN_TYPE);
      time.setTimeExpression("0 0 2 * * ?");
      c.setTimeConfig(time);
    });
    ZoneId zone = ZoneId.systemDefault();
    LocalDate firstDay = LocalDate.now(zone).minusDays(10);
    RerunJobRequest rerun = new RerunJobRequest();
    rerun.setJobId(job);
    rerun.setStartDate(firstDay.atStartOfDay(zone).toInstant().toEpochMilli());
    rerun.setEndDate(firstDay.plusDays(2).atTime(LocalTime.of(23, 59, 59)).atZone(zone).toInstant().toEpochMilli());
    rerun.setDataDateTime("02:00:00");

    api.ok(rerun);

    await("three backfill runs ended").atMost(DEADLINE).pollInterval(Duration.ofMillis(300)).until(() ->
        api.instances(job, null, null, null, null, 50).stream().filter(i -> i.getEndTime() != null).count() == 3);
    List<JobInstanceDetail> runs = api.instances(job, null, null, null, null, 50);
    assertThat(runs).hasSize(3).allSatisfy(i -> {
      assertThat(i.getStatus()).as(i.toString()).isEqualTo(SUCCESS);
      assertThat(i.getTriggerType()).as("triggerType (2 = rerun)").isEqualTo(OpenApi.TRIGGER_RERUN);
    });
    List<Instant> expected = IntStream.range(0, 3)
        .mapToObj(d -> firstDay.plusDays(d).atTime(2, 0).atZone(zone).toInstant()).toList();
    assertThat(runs).extracting(i -> i.getDataTime().toInstant()).as("dataTime of the runs").containsExactlyInAnyOrderElementsOf(expected);
    assertThat(runs).allSatisfy(i -> assertThat(i.getResult()).as("the data time the processor saw")
        .contains("dataTime=" + i.getDataTime().toInstant()));
    JobInstanceDetail oldest = runs.stream().filter(i -> i.getDataTime().toInstant().equals(expected.get(0))).findFirst().orElseThrow();
    JobInstanceDetail newest = runs.stream().filter(i -> i.getDataTime().toInstant().equals(expected.get(2))).findFirst().orElseThrow();
    assertThat(oldest.getStartTime()).as("oldest first").isBeforeOrEqualTo(newest.getStartTime());
  }

  @Test
  void aRerunOfTooManyRunsIsRefusedAndCreatesNoRun() {
    long job = createJob("backfill-too-much", c -> {
      TimeConfig time = new TimeConfig(TimeConfig.CRORN_TYPE);
      time.setTimeExpression("0 * * * * ?");
      c.setTimeConfig(time);
    });
    long now = System.currentTimeMillis();
    RerunJobRequest rerun = new RerunJobRequest();
    rerun.setJobId(job);
    rerun.setStartDate(now - Duration.ofDays(365).toMillis());
    rerun.setEndDate(now - Duration.ofDays(1).toMillis());
    rerun.setDataDateTime("00:00:00");

    api.refused(rerun, "run");

    assertThat(api.instances(job, null, null, null, null, 50)).as("runs of the refused rerun").isEmpty();
  }

  // ---- designated workers ----

  @Test
  void designatedWorkersPinAJobToAWorkerOrALabel() {
    List<WorkerInfo> workers = workers();
    WorkerInfo greenWorker = workers.stream().filter(w -> "green".equals(w.getLabel())).findFirst().orElseThrow(
        () -> new AssertionError("no worker with label green in " + workers));
    long job = createJob("pinned", c -> {});

    DesignateWorkersRequest byWorker = new DesignateWorkersRequest();
    byWorker.setJobId(job);
    byWorker.setDesignateType(1);
    byWorker.setWorkers("[\"" + greenWorker.getWorkerAddr() + "\"]");
    byWorker.setLabels("[]");
    byWorker.setTransferable(false);
    api.ok(byWorker);

    GetJobDesignateInfoRequest info = new GetJobDesignateInfoRequest();
    info.setJobId(job);
    GetJobDesignateInfoResponse designated = api.ok(info);
    assertThat(designated.getDesignateType()).isEqualTo(1);
    assertThat(designated.getTransferable()).isFalse();
    assertThat(designated.getDesignateDetailVoList()).as("designateDetailVoList")
        .anySatisfy(d -> {
          assertThat(d.getKey()).isEqualTo(greenWorker.getWorkerAddr());
          assertThat(d.getChecked()).isTrue();
          assertThat(d.getOffline()).isFalse();
        });
    assertThat(OpenApiJobsTest.job(api, job).getHasDesignate()).as("hasDesignate").isTrue();
    for (int run = 0; run < 3; run++) {
      long id = api.execute(job, "pinned-" + run);
      assertThat(api.awaitStatus(job, id, DEADLINE, SUCCESS, FAILED).getResult()).as("run " + run).contains(pidOf(green));
    }

    DesignateWorkersRequest byLabel = new DesignateWorkersRequest();
    byLabel.setJobId(job);
    byLabel.setDesignateType(2);
    byLabel.setWorkers("[]");
    byLabel.setLabels("[\"blue\"]");
    byLabel.setTransferable(true);
    api.ok(byLabel);

    GetJobDesignateInfoResponse byLabelInfo = api.ok(info);
    assertThat(byLabelInfo.getDesignateType()).isEqualTo(2);
    assertThat(byLabelInfo.getTransferable()).isTrue();
    assertThat(byLabelInfo.getDesignateDetailVoList()).extracting(DesignateDetail::getKey).contains("blue");
    for (int run = 0; run < 3; run++) {
      long id = api.execute(job, "labelled-" + run);
      assertThat(api.awaitStatus(job, id, DEADLINE, SUCCESS, FAILED).getResult()).as("run " + run).contains(pidOf(blue));
    }
  }

  // ---- workers, overview ----

  @Test
  void groupGetWorkerListDescribesBothDaemons() {
    List<WorkerInfo> workers = workers();

    assertThat(workers).hasSize(2).allSatisfy(w -> {
      assertThat(w.getIp()).isEqualTo("127.0.0.1");
      assertThat(w.getPort()).isPositive();
      assertThat(w.getWorkerAddr()).isNotBlank();
      assertThat(w.getWorkerId()).isNotBlank();
      assertThat(w.getVersion()).isNotBlank();
      assertThat(w.getStarter()).isNotBlank();
    });
    assertThat(workers).extracting(WorkerInfo::getLabel).containsExactlyInAnyOrder("blue", "green");
  }

  @Test
  void overviewReadCountsJobsInstancesAndWorkers() {
    long job = createJob("overview", c -> {});
    long id = api.execute(job, "counted");
    api.awaitStatus(job, id, DEADLINE, SUCCESS, FAILED);

    Object data = api.ok(new GetOverviewRequest()).getData();

    assertThat(data).as("data of overview/read").isInstanceOf(Map.class);
    Map<?, ?> overview = (Map<?, ?>) data;
    assertThat(overview).as(overview.toString()).isNotEmpty();
    String keys = overview.keySet().toString().toLowerCase();
    assertThat(keys).as("keys of " + overview).contains("job").contains("instance").contains("worker");
  }
}
