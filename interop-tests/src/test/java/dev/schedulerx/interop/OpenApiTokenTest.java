package dev.schedulerx.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.schedulerx.common.sdk.common.AppGroupInfo;
import com.alibaba.schedulerx.common.sdk.common.NamespaceInfo;
import com.alibaba.schedulerx.common.sdk.request.CreateAppGroupRequest;
import com.alibaba.schedulerx.common.sdk.request.CreateNamespaceRequest;
import com.alibaba.schedulerx.common.sdk.request.GetAppGroupListRequest;
import com.alibaba.schedulerx.common.sdk.request.GetAppGroupRequest;
import com.alibaba.schedulerx.common.sdk.request.GetNamespaceListRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group and namespace management through the official SchedulerX OpenAPI client on a server with an api-token:
 * only a call signed with the token as app key creates groups and namespaces or sees every group; a group's own
 * key sees its own namespace and group, and a group cannot be created by signing with the key it asks for.
 */
@Tag("interop")
class OpenApiTokenTest {
  private static final String TOKEN = "openapi-admin-token";

  @TempDir static Path dir;
  private static OurServer server;
  private static OpenApi own;

  @BeforeAll
  static void start() throws Exception {
    server = OurServer.start(dir, "", "api-token = \"" + TOKEN + "\"");
    own = OpenApi.of(server.domain(), OurServer.NAMESPACE, OurServer.GROUP, OurServer.APP_KEY);
  }

  @AfterAll
  static void stop() {
    Processes.closeEach(server);
  }

  private static CreateAppGroupRequest group(String groupId, String appKey) {
    CreateAppGroupRequest request = new CreateAppGroupRequest();
    request.setGroupId(groupId);
    request.setAppName(groupId + "-app");
    request.setAppKey(appKey);
    return request;
  }

  @Test
  void aGroupCreatedWithTheTokenAsSigningKeyIsThenManagedWithItsOwnKey() {
    OpenApi admin = OpenApi.of(server.domain(), OurServer.NAMESPACE, "secured", TOKEN);

    assertThat(admin.ok(group("secured", "secured-key")).getAppKey()).isEqualTo("secured-key");

    OpenApi secured = OpenApi.of(server.domain(), OurServer.NAMESPACE, "secured", "secured-key");
    assertThat(secured.ok(new GetAppGroupRequest()).getAppName()).isEqualTo("secured-app");
  }

  @Test
  void aGroupSignedOnlyWithTheKeyItAsksForIsRefusedAndNotCreated() {
    OpenApi rogue = OpenApi.of(server.domain(), OurServer.NAMESPACE, "rogue", "rogue-key");

    rogue.refused(group("rogue", "rogue-key"), "api-token");

    rogue.refused(new GetAppGroupRequest(), "rogue");
    OpenApi admin = OpenApi.of(server.domain(), OurServer.NAMESPACE, OurServer.GROUP, TOKEN);
    assertThat(admin.ok(new GetAppGroupListRequest()).getAppGroupInfos()).extracting(AppGroupInfo::getGroupId)
        .contains(OurServer.GROUP).doesNotContain("rogue");
  }

  @Test
  void aGroupsOwnKeyCannotCreateNamespacesAndSeesOnlyItsOwn() {
    CreateNamespaceRequest create = new CreateNamespaceRequest();
    create.setUid("ns-by-group");
    create.setName("by a group");

    own.refused(create, "api-token");

    List<NamespaceInfo> seen = own.ok(new GetNamespaceListRequest()).getNamespaceInfos();
    assertThat(seen).extracting(NamespaceInfo::getuId).containsExactly(OurServer.NAMESPACE);
    OpenApi admin = OpenApi.of(server.domain(), OurServer.NAMESPACE, OurServer.GROUP, TOKEN);
    CreateNamespaceRequest byAdmin = new CreateNamespaceRequest();
    byAdmin.setUid("ns-by-admin");
    byAdmin.setName("by the admin");
    assertThat(admin.ok(byAdmin).getNamespaceUid()).isEqualTo("ns-by-admin");
    assertThat(admin.ok(new GetNamespaceListRequest()).getNamespaceInfos()).extracting(NamespaceInfo::getuId)
        .contains(OurServer.NAMESPACE, "ns-by-admin").doesNotContain("ns-by-group");
    assertThat(own.ok(new GetNamespaceListRequest()).getNamespaceInfos()).extracting(NamespaceInfo::getuId)
        .containsExactly(OurServer.NAMESPACE);
  }

  @Test
  void groupListWithAGroupsKeyShowsOnlyThatGroupsAppKey() {
    OpenApi admin = OpenApi.of(server.domain(), OurServer.NAMESPACE, "neighbour", TOKEN);
    admin.ok(group("neighbour", "neighbour-key"));

    List<AppGroupInfo> listed = own.ok(new GetAppGroupListRequest()).getAppGroupInfos();

    assertThat(listed).extracting(AppGroupInfo::getGroupId).contains(OurServer.GROUP, "neighbour");
    assertThat(listed).filteredOn(g -> g.getGroupId().equals(OurServer.GROUP)).singleElement()
        .satisfies(g -> assertThat(g.getAppKey()).isEqualTo(OurServer.APP_KEY));
    assertThat(listed).filteredOn(g -> g.getGroupId().equals("neighbour")).singleElement()
        .satisfies(g -> assertThat(g.getAppKey()).as("another group's key").isNull());
  }
}
