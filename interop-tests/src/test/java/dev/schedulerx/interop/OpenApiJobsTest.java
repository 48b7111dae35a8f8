package dev.schedulerx.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.schedulerx.common.domain.ContactInfo;
import com.alibaba.schedulerx.common.domain.HttpAttribute;
import com.alibaba.schedulerx.common.domain.MapTaskXAttrs;
import com.alibaba.schedulerx.common.sdk.common.HttpJobConfig;
import com.alibaba.schedulerx.common.sdk.common.JavaJobConfig;
import com.alibaba.schedulerx.common.sdk.common.JobConfigInfo;
import com.alibaba.schedulerx.common.sdk.common.JobMonitorInfo;
import com.alibaba.schedulerx.common.sdk.common.MonitorConfig;
import com.alibaba.schedulerx.common.sdk.common.ScriptJobConfig;
import com.alibaba.schedulerx.common.sdk.common.TimeConfig;
import com.alibaba.schedulerx.common.sdk.common.UserOperation;
import com.alibaba.schedulerx.common.sdk.request.BatchDeleteJobRequest;
import com.alibaba.schedulerx.common.sdk.request.BatchDisableJobRequest;
import com.alibaba.schedulerx.common.sdk.request.BatchEnableJobRequest;
import com.alibaba.schedulerx.common.sdk.request.CreateHttpJobRequest;
import com.alibaba.schedulerx.common.sdk.request.CreateJavaJobRequest;
import com.alibaba.schedulerx.common.sdk.request.CreateScriptJobRequest;
import com.alibaba.schedulerx.common.sdk.request.DeleteJobRequest;
import com.alibaba.schedulerx.common.sdk.request.DisableJobRequest;
import com.alibaba.schedulerx.common.sdk.request.EnableJobRequest;
import com.alibaba.schedulerx.common.sdk.request.GetJobInfoListRequest;
import com.alibaba.schedulerx.common.sdk.request.GetJobInfoRequest;
import com.alibaba.schedulerx.common.sdk.request.GetUserOperationListRequest;
import com.alibaba.schedulerx.common.sdk.request.UpdateJobParameterRequest;
import com.alibaba.schedulerx.common.sdk.request.UpdateJobRequest;
import com.alibaba.schedulerx.common.sdk.response.CreateJobResponse;
import com.alibaba.schedulerx.common.sdk.response.UpdateJobResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job definitions through the official SchedulerX OpenAPI client against our server (bin/schedulerx-server, one
 * per class): create, get, list with its filters, update, updateParameter, enable/disable, delete and their batch
 * forms, the audit trail of these, and the refusals of bad input. Every assertion is on what the client's own
 * classes parsed.
 */
@Tag("interop")
class OpenApiJobsTest {
  static final String OTHER_GROUP = "openapi-other";
  static final String OTHER_KEY = "openapi-other-key";
  private static final String PROBE = "dev.schedulerx.interop.daemon.OpenApiProbe";

  @TempDir static Path dir;
  private static OurServer server;
  private static OpenApi api;
  private static OpenApi other;

  @BeforeAll
  static void start() throws Exception {
    server = OurServer.start(dir, ", { namespace = \"%s\", group-id = \"%s\", app-key = \"%s\" }"
        .formatted(OurServer.NAMESPACE, OTHER_GROUP, OTHER_KEY));
    api = OpenApi.of(server.domain(), OurServer.NAMESPACE, OurServer.GROUP, OurServer.APP_KEY);
    other = OpenApi.of(server.domain(), OurServer.NAMESPACE, OTHER_GROUP, OTHER_KEY);
  }

  @AfterAll
  static void stop() {
    Processes.closeEach(server);
  }

  // ---- building jobs as a client user does ----

  /** A java job run only through the API, with the client's default monitor settings. */
  static JavaJobConfig javaJob(String name, String className) {
    JavaJobConfig config = new JavaJobConfig(className);
    config.setName(name);
    config.setExecuteMode("standalone");
    config.setTimeConfig(new TimeConfig(TimeConfig.API_TYPE));
    JobMonitorInfo monitor = new JobMonitorInfo();
    monitor.setMonitorConfig(new MonitorConfig());
    config.setJobMonitorInfo(monitor);
    return config;
  }

  static long create(OpenApi client, JavaJobConfig config) {
    CreateJavaJobRequest request = new CreateJavaJobRequest();
    request.setJavaJobConfig(config);
    CreateJobResponse created = client.ok(request);
    assertThat(created).as("job/create answer").isNotNull();
    assertThat(created.getJobId()).as("jobId of job/create").isPositive();
    return created.getJobId();
  }

  static long create(OpenApi client, String name, Consumer<JavaJobConfig> settings) {
    JavaJobConfig config = javaJob(name, PROBE);
    settings.accept(config);
    return create(client, config);
  }

  static JobConfigInfo job(OpenApi client, long jobId) {
    GetJobInfoRequest request = new GetJobInfoRequest();
    request.setJobId(jobId);
    JobConfigInfo info = client.ok(request).getJobConfigInfo();
    assertThat(info).as("jobConfigInfo of job " + jobId).isNotNull();
    return info;
  }

  private static List<JobConfigInfo> list(Consumer<GetJobInfoListRequest> filters) {
    GetJobInfoListRequest request = new GetJobInfoListRequest();
    filters.accept(request);
    List<JobConfigInfo> listed = api.ok(request).getJobConfigInfos();
    assertThat(listed).as("jobConfigInfos of job/list").isNotNull();
    return listed;
  }

  private static List<String> names(List<JobConfigInfo> jobs) {
    return jobs.stream().map(JobConfigInfo::getName).toList();
  }

  private static MonitorConfig monitorConfig() {
    MonitorConfig m = new MonitorConfig();
    m.setTimeoutEnable(true);
    m.setTimeout(120);
    m.setTimeoutKillEnable(true);
    m.setFailEnable(false);
    m.setMissWorkerEnable(true);
    m.setSuccessNotice(true);
    m.setSendChannel("mail");
    return m;
  }

  private static ContactInfo contact(String name, String mail) {
    ContactInfo c = new ContactInfo();
    c.setUserName(name);
    c.setUserMail(mail);
    c.setUserPhone("+86-1380000" + name.length());
    return c;
  }

  private static MapTaskXAttrs xattrs(int consumers, int taskMaxAttempt) {
    MapTaskXAttrs x = new MapTaskXAttrs();
    x.setConsumerSize(consumers);
    x.setDispatcherSize(3);
    x.setPageSize(50);
    x.setQueueSize(5000);
    x.setTaskMaxAttempt(taskMaxAttempt);
    x.setTaskAttemptInterval(7);
    x.setTaskDispatchMode("push");
    return x;
  }

  // ---- create, get ----

  @Test
  void aJavaJobCreatedWithEverySettingReadsBackThroughJobGet() {
    JavaJobConfig config = javaJob("full-create", PROBE);
    config.setExecuteMode("grid");
    config.setDescription("created with every setting");
    config.setParameters("p=1");
    config.setMaxConcurrency(3);
    config.setMaxAttempt(2);
    config.setAttemptInterval(15);
    config.setPriority(10);
    config.setStatus(0);
    TimeConfig time = new TimeConfig(TimeConfig.CRORN_TYPE);
    time.setTimeExpression("0 0/5 * * * ?");
    time.setTimezone("Asia/Shanghai");
    config.setTimeConfig(time);
    JobMonitorInfo monitor = new JobMonitorInfo();
    monitor.setMonitorConfig(monitorConfig());
    monitor.setContactInfo(List.of(contact("alice", "alice@example.com")));
    config.setJobMonitorInfo(monitor);
    config.setMapTaskXAttrs(xattrs(4, 3));

    long id = create(api, config);
    JobConfigInfo job = job(api, id);

    assertThat(job.getJobId()).isEqualTo(id);
    assertThat(job.getName()).isEqualTo("full-create");
    assertThat(job.getJobType()).isEqualTo("java");
    assertThat(job.getClassName()).isEqualTo(PROBE);
    assertThat(job.getContentType()).as("contentType (1 = java)").isEqualTo(1);
    assertThat(job.getContent()).contains(PROBE);
    assertThat(job.getExecuteMode()).isEqualTo("grid");
    assertThat(job.getDescription()).isEqualTo("created with every setting");
    assertThat(job.getParameters()).isEqualTo("p=1");
    assertThat(job.getMaxConcurrency()).isEqualTo(3);
    assertThat(job.getMaxAttempt()).isEqualTo(2);
    assertThat(job.getAttemptInterval()).isEqualTo(15);
    assertThat(job.getPriority()).isEqualTo(10);
    assertThat(job.getStatus()).as("status (0 = disabled)").isZero();
    assertThat(job.getTimeConfig()).isNotNull();
    assertThat(job.getTimeConfig().getTimeType()).isEqualTo(1);
    assertThat(job.getTimeConfig().getTimeExpression()).isEqualTo("0 0/5 * * * ?");
    assertThat(job.getTimeConfig().getTimezone()).isEqualTo("Asia/Shanghai");
    assertMonitor(job, "alice");
    assertXattrs(job.getMapTaskXAttrs(), 4, 3);
    assertThat(job.getxAttrs()).as("xAttrs, the same settings as JSON text").contains("\"consumerSize\":4");
  }

  private static void assertMonitor(JobConfigInfo job, String contactName) {
    assertThat(job.getJobMonitorInfo()).as("jobMonitorInfo").isNotNull();
    MonitorConfig m = job.getJobMonitorInfo().getMonitorConfig();
    assertThat(m).as("jobMonitorInfo.monitorConfig").isNotNull();
    assertThat(m.isTimeoutEnable()).isTrue();
    assertThat(m.getTimeout()).isEqualTo(120);
    assertThat(m.isTimeoutKillEnable()).isTrue();
    assertThat(m.isFailEnable()).isFalse();
    assertThat(m.isMissWorkerEnable()).isTrue();
    assertThat(m.isSuccessNotice()).isTrue();
    assertThat(m.getSendChannel()).isEqualTo("mail");
    assertThat(job.getJobMonitorInfo().getContactInfo()).as("jobMonitorInfo.contactInfo").singleElement().satisfies(c -> {
      assertThat(c.getUserName()).isEqualTo(contactName);
      assertThat(c.getUserMail()).isEqualTo(contactName + "@example.com");
      assertThat(c.getUserPhone()).isEqualTo("+86-1380000" + contactName.length());
    });
  }

  private static void assertXattrs(MapTaskXAttrs x, int consumers, int taskMaxAttempt) {
    assertThat(x).as("mapTaskXAttrs").isNotNull();
    assertThat(x.getConsumerSize()).isEqualTo(consumers);
    assertThat(x.getDispatcherSize()).isEqualTo(3);
    assertThat(x.getPageSize()).isEqualTo(50);
    assertThat(x.getQueueSize()).isEqualTo(5000);
    assertThat(x.getTaskMaxAttempt()).isEqualTo(taskMaxAttempt);
    assertThat(x.getTaskAttemptInterval()).isEqualTo(7);
    assertThat(x.getTaskDispatchMode()).isEqualTo("push");
  }

  @Test
  void aJobCreatedWithOnlyTheRequiredSettingsReadsBackWithTheClientsDefaults() {
    long id = create(api, javaJob("defaults", PROBE));

    JobConfigInfo job = job(api, id);

    assertThat(job.getName()).isEqualTo("defaults");
    assertThat(job.getStatus()).as("enabled unless said otherwise").isEqualTo(1);
    assertThat(job.getMaxConcurrency()).isEqualTo(1);
    assertThat(job.getTimeConfig().getTimeType()).isEqualTo(TimeConfig.API_TYPE);
    assertThat(job.getContentType()).isEqualTo(1);
  }

  @Test
  void scriptAndHttpJobsCreatedThroughTheClientReadBackWithTheirTypeAndContent() {
    ScriptJobConfig script = new ScriptJobConfig("shell", "echo hello from a script");
    script.setName("script-job");
    script.setExecuteMode("standalone");
    script.setTimeConfig(new TimeConfig(TimeConfig.API_TYPE));
    JobMonitorInfo monitor = new JobMonitorInfo();
    monitor.setMonitorConfig(new MonitorConfig());
    script.setJobMonitorInfo(monitor);
    CreateScriptJobRequest createScript = new CreateScriptJobRequest();
    createScript.setScriptJobConfig(script);
    long scriptId = api.ok(createScript).getJobId();

    HttpAttribute http = new HttpAttribute();
    http.setUrl("http://127.0.0.1:9/ping");
    http.setMethod("GET");
    http.setRespParseMode(1);
    http.setRespCode(200);
    http.setTimeout(5);
    HttpJobConfig httpConfig = new HttpJobConfig(http);
    httpConfig.setName("http-job");
    httpConfig.setExecuteMode("standalone");
    httpConfig.setTimeConfig(new TimeConfig(TimeConfig.API_TYPE));
    httpConfig.setJobMonitorInfo(monitor);
    long httpId = api.ok(new CreateHttpJobRequest(httpConfig)).getJobId();

    JobConfigInfo scriptJob = job(api, scriptId);
    assertThat(scriptJob.getJobType()).isEqualTo("shell");
    assertThat(scriptJob.getContentType()).as("contentType (2 = script)").isEqualTo(2);
    assertThat(scriptJob.getContent()).isEqualTo("echo hello from a script");
    JobConfigInfo httpJob = job(api, httpId);
    assertThat(httpJob.getJobType()).isEqualTo("http");
    assertThat(httpJob.getContentType()).isEqualTo(1);
    assertThat(httpJob.getContent()).contains("http://127.0.0.1:9/ping");
  }

  // ---- update, updateParameter ----

  @Test
  void jobUpdateReplacesEverySettingTheClientSendsAndAnswersTheJobId() {
    long id = create(api, "to-update", c -> c.setDescription("before"));

    JobConfigInfo changed = new JobConfigInfo();
    changed.setJobId(id);
    changed.setName("updated");
    changed.setJobType("java");
    changed.setClassName(PROBE);
    changed.setExecuteMode("grid");
    changed.setDescription("after");
    changed.setParameters("q=2");
    changed.setMaxConcurrency(5);
    changed.setMaxAttempt(3);
    changed.setAttemptInterval(20);
    changed.setPriority(5);
    changed.setStatus(0);
    TimeConfig time = new TimeConfig(TimeConfig.CRORN_TYPE);
    time.setTimeExpression("0 15 10 * * ?");
    time.setTimezone("Europe/Berlin");
    changed.setTimeConfig(time);
    JobMonitorInfo monitor = new JobMonitorInfo();
    monitor.setMonitorConfig(monitorConfig());
    monitor.setContactInfo(List.of(contact("bob", "bob@example.com")));
    changed.setJobMonitorInfo(monitor);
    changed.setMapTaskXAttrs(xattrs(6, 2));
    UpdateJobRequest request = new UpdateJobRequest();
    request.setJobConfigInfo(changed);

    UpdateJobResponse answer = api.ok(request);

    assertThat(answer).as("job/update answer").isNotNull();
    assertThat(answer.getJobId()).as("jobId of job/update").isEqualTo(id);
    JobConfigInfo job = job(api, id);
    assertThat(job.getName()).isEqualTo("updated");
    assertThat(job.getDescription()).isEqualTo("after");
    assertThat(job.getParameters()).isEqualTo("q=2");
    assertThat(job.getExecuteMode()).isEqualTo("grid");
    assertThat(job.getMaxConcurrency()).isEqualTo(5);
    assertThat(job.getMaxAttempt()).isEqualTo(3);
    assertThat(job.getAttemptInterval()).isEqualTo(20);
    assertThat(job.getPriority()).isEqualTo(5);
    assertThat(job.getStatus()).isZero();
    assertThat(job.getTimeConfig().getTimeType()).isEqualTo(1);
    assertThat(job.getTimeConfig().getTimeExpression()).isEqualTo("0 15 10 * * ?");
    assertThat(job.getTimeConfig().getTimezone()).isEqualTo("Europe/Berlin");
    assertMonitor(job, "bob");
    assertXattrs(job.getMapTaskXAttrs(), 6, 2);
  }

  @Test
  void updateParameterChangesTheParametersAndNothingElse() {
    long id = create(api, "param-update", c -> {
      c.setParameters("old");
      c.setDescription("kept");
    });
    UpdateJobParameterRequest request = new UpdateJobParameterRequest();
    request.setJobId(id);
    request.setParameter("new=parameters");

    UpdateJobResponse answer = api.ok(request);

    assertThat(answer.getJobId()).isEqualTo(id);
    JobConfigInfo job = job(api, id);
    assertThat(job.getParameters()).isEqualTo("new=parameters");
    assertThat(job.getDescription()).isEqualTo("kept");
    assertThat(job.getName()).isEqualTo("param-update");
  }

  // ---- list ----

  @Test
  void jobListAnswersJobConfigInfosAndHonoursEveryFilterTheClientSends() {
    long a = create(api, "listing-alpha", c -> {});
    long b = create(api, "listing-beta", c -> c.setStatus(0));
    long c3 = create(api, javaJob("listing-gamma", "com.example.ListingOther"));

    assertThat(names(list(r -> {}))).as("no filter").contains("listing-alpha", "listing-beta", "listing-gamma");
    List<JobConfigInfo> byKeyword = list(r -> r.setKeyword("listing-"));
    assertThat(names(byKeyword)).as("keyword").containsExactlyInAnyOrder("listing-alpha", "listing-beta", "listing-gamma");
    assertThat(byKeyword).extracting(JobConfigInfo::getJobId).containsExactlyInAnyOrder(a, b, c3);
    assertThat(names(list(r -> r.setJobName("listing-beta")))).as("jobName").containsExactly("listing-beta");
    assertThat(names(list(r -> {
      r.setKeyword("listing-");
      r.setStatus(0);
    }))).as("keyword + status 0").containsExactly("listing-beta");
    assertThat(names(list(r -> {
      r.setKeyword("listing-");
      r.setStatus(1);
    }))).as("keyword + status 1").containsExactlyInAnyOrder("listing-alpha", "listing-gamma");
    assertThat(names(list(r -> r.setClassName("com.example.ListingOther")))).as("className").containsExactly("listing-gamma");

    List<JobConfigInfo> page1 = list(r -> {
      r.setKeyword("listing-");
      r.setPageNum(1);
      r.setPageSize(2);
    });
    List<JobConfigInfo> page2 = list(r -> {
      r.setKeyword("listing-");
      r.setPageNum(2);
      r.setPageSize(2);
    });
    assertThat(page1).as("page 1 of size 2").hasSize(2);
    assertThat(page2).as("page 2 of size 2").hasSize(1);
    List<String> both = new ArrayList<>(names(page1));
    both.addAll(names(page2));
    assertThat(both).as("pages 1 and 2 together").containsExactlyInAnyOrder("listing-alpha", "listing-beta", "listing-gamma");
    assertThat(byKeyword).allSatisfy(j -> {
      assertThat(j.getJobType()).isEqualTo("java");
      assertThat(j.getContentType()).isEqualTo(1);
      assertThat(j.getTimeConfig()).isNotNull();
    });
  }

  // ---- enable, disable, delete and the batch forms ----

  @Test
  void disableAndEnableSwitchTheStatusTheClientReads() {
    long id = create(api, "switch", c -> {});

    api.ok(disable(id));
    assertThat(job(api, id).getStatus()).isZero();
    api.ok(enable(id));
    assertThat(job(api, id).getStatus()).isEqualTo(1);
  }

  @Test
  void batchDisableAndBatchEnableTakeTheClientsJobIdJson() {
    long a = create(api, "batch-a", c -> {});
    long b = create(api, "batch-b", c -> {});

    BatchDisableJobRequest off = new BatchDisableJobRequest();
    off.setJobIdList(List.of(a, b));
    api.ok(off);
    assertThat(job(api, a).getStatus()).isZero();
    assertThat(job(api, b).getStatus()).isZero();

    BatchEnableJobRequest on = new BatchEnableJobRequest();
    on.setJobIdList(List.of(a, b));
    api.ok(on);
    assertThat(job(api, a).getStatus()).isEqualTo(1);
    assertThat(job(api, b).getStatus()).isEqualTo(1);
  }

  @Test
  void deleteAndBatchDeleteRemoveTheJobs() {
    long single = create(api, "delete-single", c -> {});
    long a = create(api, "delete-a", c -> {});
    long b = create(api, "delete-b", c -> {});

    DeleteJobRequest delete = new DeleteJobRequest();
    delete.setJobId(single);
    api.ok(delete);
    BatchDeleteJobRequest batch = new BatchDeleteJobRequest();
    batch.setJobIdList(List.of(a, b));
    api.ok(batch);

    for (long id : List.of(single, a, b)) {
      GetJobInfoRequest get = new GetJobInfoRequest();
      get.setJobId(id);
      api.refused(get, Long.toString(id));
    }
    assertThat(names(list(r -> r.setKeyword("delete-")))).isEmpty();
  }

  private static DisableJobRequest disable(long id) {
    DisableJobRequest r = new DisableJobRequest();
    r.setJobId(id);
    return r;
  }

  private static EnableJobRequest enable(long id) {
    EnableJobRequest r = new EnableJobRequest();
    r.setJobId(id);
    return r;
  }

  // ---- audit trail ----

  @Test
  void operationListShowsWhoCreatedChangedAndDeletedAJobWithOldAndNewValues() {
    OpenApi alice = OpenApi.asUser(server.domain(), OurServer.NAMESPACE, OurServer.GROUP, OurServer.APP_KEY, "alice 4711");
    long id = create(alice, "audited", c -> c.setParameters("first"));
    UpdateJobParameterRequest change = new UpdateJobParameterRequest();
    change.setJobId(id);
    change.setParameter("second");
    alice.ok(change);
    alice.ok(disable(id));
    DeleteJobRequest delete = new DeleteJobRequest();
    delete.setJobId(id);
    alice.ok(delete);

    GetUserOperationListRequest request = new GetUserOperationListRequest();
    request.setObjectId(Long.toString(id));
    request.setPageNum(1);
    request.setPageSize(50);
    var answer = alice.ok(request);

    List<UserOperation> records = answer.getRecords();
    assertThat(records).as("records of operation/list for job " + id).isNotNull().hasSizeGreaterThanOrEqualTo(4);
    assertThat(answer.getTotal()).as("total").isGreaterThanOrEqualTo(records.size());
    assertThat(records).allSatisfy(r -> {
      assertThat(r.getObjectId()).isEqualTo(Long.toString(id));
      assertThat(r.getOperator()).as("operator of " + r).contains("alice");
      assertThat(r.getOperateTime()).as("operateTime of " + r).isNotBlank();
      assertThat(r.getOperateType()).as("operateType of " + r).isNotBlank();
    });
    assertThat(records).as("the parameter change, with old and new value").anySatisfy(r -> {
      assertThat(r.getObjectOld()).contains("first");
      assertThat(r.getObjectLatest()).contains("second");
    });
    assertThat(records).extracting(r -> r.getOperateType().toLowerCase())
        .anyMatch(t -> t.contains("create"))
        .anyMatch(t -> t.contains("delete"));
  }

  // ---- bad input ----

  @Test
  void anUnknownGroupIsRefusedWithItsName() {
    OpenApi stranger = OpenApi.of(server.domain(), OurServer.NAMESPACE, "no-such-group", "whatever");

    stranger.refused(new GetJobInfoListRequest(), "no-such-group");
  }

  @Test
  void aWrongAppKeyIsRefusedAsABadSignature() {
    OpenApi forged = OpenApi.of(server.domain(), OurServer.NAMESPACE, OurServer.GROUP, OTHER_KEY);

    forged.refused(new GetJobInfoListRequest(), "signature");
  }

  @Test
  void anotherGroupsJobIsNeitherShownNorChanged() {
    long foreign = create(other, "foreign", c -> c.setParameters("theirs"));
    long own = create(api, "own", c -> {});

    GetJobInfoRequest get = new GetJobInfoRequest();
    get.setJobId(foreign);
    api.refused(get, Long.toString(foreign));
    UpdateJobParameterRequest change = new UpdateJobParameterRequest();
    change.setJobId(foreign);
    change.setParameter("mine");
    api.refused(change, Long.toString(foreign));
    api.refused(disable(foreign), Long.toString(foreign));
    DeleteJobRequest delete = new DeleteJobRequest();
    delete.setJobId(foreign);
    api.refused(delete, Long.toString(foreign));
    BatchDisableJobRequest batch = new BatchDisableJobRequest();
    batch.setJobIdList(List.of(own, foreign));
    api.refused(batch, Long.toString(foreign));
    assertThat(names(list(r -> {}))).doesNotContain("foreign");

    JobConfigInfo theirs = job(other, foreign);
    assertThat(theirs.getParameters()).as("untouched").isEqualTo("theirs");
    assertThat(theirs.getStatus()).as("untouched").isEqualTo(1);
    assertThat(job(api, own).getStatus()).as("the own job of the refused batch: nothing half-done").isEqualTo(1);
  }

  @Test
  void malformedJobIdListsAreRefusedNamingTheParameterAndChangeNothing() {
    long id = create(api, "malformed-ids", c -> {});
    for (String bad : List.of("[" + id + ",x]", "[]", "not a list")) {
      BatchDisableJobRequest request = new BatchDisableJobRequest();
      request.setJobIdList(List.of(id));
      request.getParameterMap().put("jobIdJson", bad);

      api.refused(request, "jobId");

      assertThat(job(api, id).getStatus()).as("after " + bad).isEqualTo(1);
    }
    BatchDisableJobRequest unknown = new BatchDisableJobRequest();
    unknown.setJobIdList(List.of(id, 99_999_999L));
    api.refused(unknown, "99999999");
    assertThat(job(api, id).getStatus()).as("after a list with an unknown id").isEqualTo(1);
  }

  @Test
  void aSecondJobWithTheSameNameIsRefusedAndTheFirstStaysAsItWas() {
    long first = create(api, "twice", c -> c.setParameters("first"));
    CreateJavaJobRequest again = new CreateJavaJobRequest();
    JavaJobConfig config = javaJob("twice", PROBE);
    config.setParameters("second");
    again.setJavaJobConfig(config);

    api.refused(again, "twice");

    assertThat(job(api, first).getParameters()).isEqualTo("first");
    assertThat(names(list(r -> r.setJobName("twice")))).containsExactly("twice");
  }
}
