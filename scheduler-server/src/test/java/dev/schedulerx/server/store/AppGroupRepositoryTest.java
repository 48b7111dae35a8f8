package dev.schedulerx.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schedulerx.server.config.ServerSettings;
import dev.schedulerx.server.group.AppGroups;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * App groups as data: seeded from the config (its key wins), created and re-keyed through the store, and seen by a
 * second server node on the same database at once — no restart, no waiting for a refresh.
 */
class AppGroupRepositoryTest {
  private final TestDatabase db = TestDatabase.inMemory();
  private final AppGroups node1 = groups();
  private final AppGroups node2 = groups();

  private AppGroups groups() {
    return new AppGroups(new AppGroupRepository(db.dataSource()), Clock.systemUTC(), Duration.ofHours(1));
  }

  @AfterEach
  void close() throws Exception {
    db.close();
  }

  @Test
  void configuredGroupsAreSeededAndTheConfiguredKeyWins() {
    node1.seed(List.of(new ServerSettings.AppGroup("ns", "g", "k1")));
    node1.seed(List.of(new ServerSettings.AppGroup("ns", "g", "k2"))); // a restart with another key in the config

    assertThat(node1.refusal("g", "k2")).isNull();
    assertThat(node1.refusal("g", "k1")).isEqualTo("wrong appKey for group g");
    assertThat(node1.namespace("ns")).isPresent();
    assertThat(node1.appGroupId("g")).isPositive();
  }

  @Test
  void aGroupCreatedOrReKeyedOnOneNodeIsJoinableOnAnotherAtOnce() {
    node1.seed(List.of(new ServerSettings.AppGroup("ns", "g", "k1")));
    assertThat(node2.refusal("g", "k1")).isNull(); // node2 now holds g with k1 in memory

    node1.create(new AppGroup(0, "fresh", "ns", "Fresh", "fresh-key", "", 10, 10, "", "", "", ""));
    AppGroup g = node1.find("g").orElseThrow();
    node1.update(g.withAppKey("k2"));

    assertThat(node2.refusal("fresh", "fresh-key")).as("new group found without a refresh").isNull();
    assertThat(node2.refusal("g", "k2")).as("rotated key accepted").isNull();
    assertThat(node2.refusal("g", "k1")).as("old key refused").isEqualTo("wrong appKey for group g");
    assertThat(node2.refusal("nobody", "x")).isEqualTo("group nobody is not known to this server");
  }

  @Test
  void aDuplicateGroupIdIsRefusedAndANamespaceWithGroupsCannotBeDeleted() {
    node1.seed(List.of(new ServerSettings.AppGroup("ns", "g", "k1")));

    assertThatThrownBy(() -> node1.create(AppGroup.configured("ns", "g", "other")))
        .isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("group g already exists");
    assertThatThrownBy(() -> node1.deleteNamespace("ns"))
        .hasMessageContaining("namespace ns still has groups [g]");
    assertThat(node1.delete("g")).isTrue();
    assertThat(node1.deleteNamespace("ns")).isTrue();
    assertThat(node2.find("g")).isEmpty();
  }
}
