package dev.schedulerx.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.schedulerx.common.domain.WorkerInfo;
import com.alibaba.schedulerx.common.sdk.common.AppGroupInfo;
import com.alibaba.schedulerx.common.sdk.common.NamespaceInfo;
import com.alibaba.schedulerx.common.sdk.request.CreateAppGroupRequest;
import com.alibaba.schedulerx.common.sdk.request.CreateNamespaceRequest;
import com.alibaba.schedulerx.common.sdk.request.DeleteAppGroupRequest;
import com.alibaba.schedulerx.common.sdk.request.DeleteNamespaceRequest;
import com.alibaba.schedulerx.common.sdk.request.GetAppGroupListRequest;
import com.alibaba.schedulerx.common.sdk.request.GetAppGroupRequest;
import com.alibaba.schedulerx.common.sdk.request.GetJobInfoListRequest;
import com.alibaba.schedulerx.common.sdk.request.GetNamespaceListRequest;
import com.alibaba.schedulerx.common.sdk.request.GetWorkerListRequest;
import com.alibaba.schedulerx.common.sdk.request.UpdateAppGroupRequest;
import com.alibaba.schedulerx.common.sdk.response.CreateAppGroupResponse;
import com.alibaba.schedulerx.common.sdk.response.CreateNamespaceResponse;
import com.alibaba.schedulerx.common.sdk.response.GetAppGroupResponse;
import com.alibaba.schedulerx.common.sdk.response.UpdateAppGroupResponse;
import dev.schedulerx.interop.daemon.OpenApiProbe;
import dev.schedulerx.interop.official.OfficialEcho;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * App groups and namespaces as data, through the official SchedulerX OpenAPI client against our server (one per
 * class): group create/get/update/list/getWorkerList/delete, namespace create/list/delete, a group created over the
 * API joined at once by one of our daemons that runs its job, an app key rotated by group/update, and the refusals
 * (duplicate group, deleting a group that has jobs). Assertions are on what the client's classes parsed.
 */
@Tag("interop")
class OpenApiGroupsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private static OurServer server;
  private static OpenApi api;

  @BeforeAll
  static void start() throws Exception {
    server = OurServer.start(dir);
    api = OpenApi.of(server.domain(), OurServer.NAMESPACE, OurServer.GROUP, OurServer.APP_KEY);
  }

  @AfterAll
  static void stop() {
    Processes.closeEach(server);
  }

  /** Creates group {@code groupId} with {@code appKey} as a SchedulerX user does: a client for the new group. */
  private static OpenApi createGroup(String groupId, String appKey, String description) {
    OpenApi client = OpenApi.of(server.domain(), OurServer.NAMESPACE, groupId, appKey);
    CreateAppGroupRequest request = new CreateAppGroupRequest();
    request.setGroupId(groupId);
    request.setAppName(groupId + "-app");
    request.setAppKey(appKey);
    request.setDescription(description);
    request.setMaxJobs(100);
    request.setMaxConcurrency(7);
    CreateAppGroupResponse created = client.ok(request);
    assertThat(created).as("group/create answer").isNotNull();
    assertThat(created.getAppGroupId()).as("appGroupId").isPositive();
    assertThat(created.getAppKey()).as("appKey").isEqualTo(appKey);
    return client;
  }

  private static GetAppGroupResponse group(OpenApi client) {
    GetAppGroupResponse group = client.ok(new GetAppGroupRequest());
    assertThat(group).as("group/get answer").isNotNull();
    return group;
  }

  private static List<AppGroupInfo> groups() {
    List<AppGroupInfo> infos = api.ok(new GetAppGroupListRequest()).getAppGroupInfos();
    assertThat(infos).as("appGroupInfos of group/list").isNotNull();
    return infos;
  }

  @Test
  void aGroupCreatedOverTheApiReadsBackThroughGetListAndUpdate() {
    OpenApi created = createGroup("api-made", "api-made-key", "made over the OpenAPI");

    GetAppGroupResponse group = group(created);
    assertThat(group.getGroupId()).isEqualTo("api-made");
    assertThat(group.getAppName()).isEqualTo("api-made-app");
    assertThat(group.getAppKey()).isEqualTo("api-made-key");
    assertThat(group.getDescription()).isEqualTo("made over the OpenAPI");
    assertThat(group.getMaxJobs()).isEqualTo(100);
    assertThat(group.getMaxConcurrency()).isEqualTo(7);
    assertThat(group.getAppGroupId()).isPositive();
    assertThat(group.getCurJobs()).as("curJobs").isZero();
    assertThat(groups()).extracting(AppGroupInfo::getGroupId).contains("api-made", OurServer.GROUP);
    assertThat(groups()).filteredOn(g -> g.getGroupId().equals("api-made")).singleElement().satisfies(g -> {
      assertThat(g.getAppName()).isEqualTo("api-made-app");
      assertThat(g.getDescription()).isEqualTo("made over the OpenAPI");
      assertThat(g.getAppGroupId()).isEqualTo(group.getAppGroupId());
    });

    UpdateAppGroupRequest update = new UpdateAppGroupRequest();
    update.setDescription("changed");
    update.setMaxJobs(50);
    update.setMaxConcurrency(3);
    UpdateAppGroupResponse updated = created.ok(update);

    assertThat(updated.getAppGroupId()).isEqualTo(group.getAppGroupId());
    GetAppGroupResponse after = group(created);
    assertThat(after.getDescription()).isEqualTo("changed");
    assertThat(after.getMaxJobs()).isEqualTo(50);
    assertThat(after.getMaxConcurrency()).isEqualTo(3);
    assertThat(after.getAppKey()).as("key kept").isEqualTo("api-made-key");
  }

  @Test
  void executeAnswersWithinTheClientsReadTimeoutWhenTheGroupHasNoWorker() {
    long job = OpenApiJobsTest.create(api, OpenApiJobsTest.javaJob("nobody-runs-me", OpenApiProbe.class.getName()));

    // The client gives up after 5 s (code -10000), which ok() reports as a failure.
    long id = api.execute(job, "");

    var instance = api.instance(job, id);
    assertThat(instance.getStatus()).as(instance.toString()).isNotEqualTo(OpenApi.SUCCESS);
  }

  @Test
  void groupListFiltersByName() {
    createGroup("listed-one", "listed-one-key", "");
    GetAppGroupListRequest request = new GetAppGroupListRequest();
    request.setAppGroupName("listed-one");

    List<AppGroupInfo> infos = api.ok(request).getAppGroupInfos();

    assertThat(infos).extracting(AppGroupInfo::getGroupId).containsExactly("listed-one");
  }

  @Test
  void aDuplicateGroupIdIsRefusedAndTheGroupKeepsItsKey() {
    OpenApi impostor = OpenApi.of(server.domain(), OurServer.NAMESPACE, OurServer.GROUP, "impostor-key");
    CreateAppGroupRequest request = new CreateAppGroupRequest();
    request.setGroupId(OurServer.GROUP);
    request.setAppName("again");
    request.setAppKey("impostor-key");

    impostor.refused(request, OurServer.GROUP);

    GetAppGroupResponse group = group(api);
    assertThat(group.getAppKey()).isEqualTo(OurServer.APP_KEY);
    assertThat(group.getAppName()).isNotEqualTo("again");
    impostor.refused(new GetAppGroupRequest(), "signature");
  }

  @Test
  void anAppKeyRotatedByGroupUpdateRefusesTheOldKeyAtOnce() {
    OpenApi oldKey = createGroup("rotating", "first-key", "");
    UpdateAppGroupRequest rotate = new UpdateAppGroupRequest();
    rotate.setDescription("rotated");
    // UpdateAppGroupRequest has no appKey setter; a caller adds it to the parameters the client sends.
    rotate.getParameterMap().put("appKey", "second-key");
    oldKey.ok(rotate);

    oldKey.refused(new GetAppGroupRequest(), "signature");
    OpenApi newKey = OpenApi.of(server.domain(), OurServer.NAMESPACE, "rotating", "second-key");
    GetAppGroupResponse group = group(newKey);
    assertThat(group.getAppKey()).isEqualTo("second-key");
    assertThat(group.getDescription()).isEqualTo("rotated");
  }

  @Test
  void deletingAGroupWithJobsIsRefusedUnlessDeleteJobsIsSet() {
    OpenApi doomed = createGroup("doomed", "doomed-key", "");
    OpenApiJobsTest.create(doomed, OpenApiJobsTest.javaJob("doomed-job", OpenApiProbe.class.getName()));

    doomed.refused(new DeleteAppGroupRequest(), "job");

    assertThat(group(doomed).getGroupId()).as("still there").isEqualTo("doomed");
    assertThat(doomed.ok(new GetJobInfoListRequest()).getJobConfigInfos()).as("its jobs still there").hasSize(1);
    DeleteAppGroupRequest withJobs = new DeleteAppGroupRequest();
    withJobs.setDeleteJobs(true);
    doomed.ok(withJobs);

    doomed.refused(new GetAppGroupRequest(), "doomed");
    assertThat(groups()).extracting(AppGroupInfo::getGroupId).doesNotContain("doomed");
  }

  @Test
  void anEmptyGroupIsDeletedWithoutDeleteJobs() {
    OpenApi empty = createGroup("empty", "empty-key", "");

    empty.ok(new DeleteAppGroupRequest());

    empty.refused(new GetAppGroupRequest(), "empty");
  }

  @Test
  void namespacesAreCreatedListedAndDeleted() {
    CreateNamespaceRequest create = new CreateNamespaceRequest();
    create.setUid("ns-made");
    create.setName("made over the API");
    create.setDescription("a namespace");
    CreateNamespaceResponse created = api.ok(create);
    assertThat(created.getNamespaceUid()).isEqualTo("ns-made");

    List<NamespaceInfo> listed = api.ok(new GetNamespaceListRequest()).getNamespaceInfos();
    assertThat(listed).as("namespaceInfos").isNotNull().extracting(NamespaceInfo::getuId).contains("ns-made", OurServer.NAMESPACE);
    assertThat(listed).filteredOn(n -> "ns-made".equals(n.getuId())).singleElement().satisfies(n -> {
      assertThat(n.getName()).isEqualTo("made over the API");
      assertThat(n.getDescription()).isEqualTo("a namespace");
    });
    GetNamespaceListRequest byName = new GetNamespaceListRequest();
    byName.setNamespaceName("made over the API");
    assertThat(api.ok(byName).getNamespaceInfos()).extracting(NamespaceInfo::getuId).containsExactly("ns-made");

    // namespace/delete deletes the namespace the client is set to
    OpenApi inNamespace = OpenApi.of(server.domain(), "ns-made", OurServer.GROUP, OurServer.APP_KEY);
    inNamespace.ok(new DeleteNamespaceRequest());
    assertThat(api.ok(new GetNamespaceListRequest()).getNamespaceInfos()).extracting(NamespaceInfo::getuId)
        .doesNotContain("ns-made").contains(OurServer.NAMESPACE);
  }

  @Test
  void aDuplicateNamespaceIsRefusedNamingIt() {
    CreateNamespaceRequest create = new CreateNamespaceRequest();
    create.setUid(OurServer.NAMESPACE);
    create.setName("again");

    api.refused(create, OurServer.NAMESPACE);
  }

  @Test
  @Tag("slow")
  void aGroupCreatedOverTheApiIsJoinedAtOnceByADaemonThatRunsItsJob() throws Exception {
    OpenApi fresh = createGroup("fresh", "fresh-key", "joined at once");
    long job = OpenApiJobsTest.create(fresh, OpenApiJobsTest.javaJob("fresh-job", OpenApiProbe.class.getName()));
    Processes daemon = OurDaemonProcess.launch("daemon of fresh", server.domain(), dir.resolve("fresh-daemon"), "256m",
        "fresh", "fresh-key", "fresh-label", OpenApiProbe.class);
    try {
      OurDaemonProcess.awaitReady(daemon);
      await("the daemon in group/getWorkerList of fresh").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
          .until(() -> !fresh.ok(new GetWorkerListRequest()).getWorkers().isEmpty());
      List<WorkerInfo> workers = fresh.ok(new GetWorkerListRequest()).getWorkers();
      assertThat(workers).singleElement().satisfies(w -> assertThat(w.getLabel()).isEqualTo("fresh-label"));
      assertThat(api.ok(new GetWorkerListRequest()).getWorkers()).as("workers of the interop group").isEmpty();

      long id = fresh.execute(job, "in a fresh group");
      var done = fresh.awaitStatus(job, id, DEADLINE, OpenApi.SUCCESS, OpenApi.FAILED);
      assertThat(done.getStatus()).as(done.toString()).isEqualTo(OpenApi.SUCCESS);
      assertThat(done.getResult()).contains("pid" + daemon.pid() + " ");
    } finally {
      daemon.close();
    }
  }

  @Test
  @Tag("slow")
  void aGroupCreatedOverTheApiIsJoinedByAnOfficialWorkerThatRunsItsJob() throws Exception {
    OpenApi fresh = createGroup("fresh-official", "fresh-official-key", "joined by the official worker");
    long job = OpenApiJobsTest.create(fresh, OpenApiJobsTest.javaJob("official-echo", OfficialEcho.class.getName()));
    Processes worker = OfficialWorkerProcess.launch("official worker of fresh-official", server.domain(),
        Files.createDirectories(dir.resolve("fresh-official")).resolve("worker.log"), "256m", "fresh-official", "fresh-official-key");
    try {
      OfficialWorkerProcess.awaitStarted(worker);
      await("the official worker in group/getWorkerList of fresh-official").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
          .until(() -> !fresh.ok(new GetWorkerListRequest()).getWorkers().isEmpty());
      assertThat(fresh.ok(new GetWorkerListRequest()).getWorkers()).singleElement()
          .satisfies(w -> assertThat(w.getVersion()).startsWith("1.11"));

      long id = fresh.execute(job, "hello from the API");
      var done = fresh.awaitStatus(job, id, DEADLINE, OpenApi.SUCCESS, OpenApi.FAILED);
      assertThat(done.getStatus()).as(done.toString()).isEqualTo(OpenApi.SUCCESS);
      assertThat(done.getResult()).isEqualTo("official echo: hello from the API");
    } finally {
      worker.close();
    }
  }
}
