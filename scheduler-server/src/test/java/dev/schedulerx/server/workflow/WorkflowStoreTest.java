package dev.schedulerx.server.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schedulerx.job.schedule.TimeType;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobRepository;
import dev.schedulerx.server.store.QueryPlans;
import dev.schedulerx.server.store.ServerDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The workflow tables on H2 and on this machine's PostgreSQL (a throwaway schema each): DAG membership changes are
 * all or nothing, a run is created once per schedule time, node transitions apply only from their expected state,
 * and a job a workflow uses cannot be deleted.
 */
class WorkflowStoreTest {
  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

  private ServerDatabase database;
  private String pgSchema;
  private String mariadbDatabase;

  private WorkflowStore open(String kind) throws SQLException {
    String url;
    if (kind.equals("h2")) {
      url = "jdbc:h2:mem:wf-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
      database = ServerDatabase.open(url, "sa", "", 4);
    } else if (kind.equals("mariadb")) {
      mariadbDatabase = "sx_wf_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/test", "root", "");
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + mariadbDatabase);
      }
      database = ServerDatabase.open("jdbc:mariadb://127.0.0.1:3306/" + mariadbDatabase, "root", "", 4);
    } else {
      pgSchema = "sx_wf_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
          Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + pgSchema);
      }
      database = ServerDatabase.open("jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + pgSchema, "postgres", "", 4);
    }
    return new WorkflowStore(database.dataSource());
  }

  @AfterEach
  void close() throws SQLException {
    if (database != null) {
      database.close();
    }
    if (mariadbDatabase != null) {
      try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/test", "root", "");
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE " + mariadbDatabase);
      }
    }
    if (pgSchema != null) {
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA " + pgSchema + " CASCADE");
      }
    }
  }

  /** As the instance writes by id (ServerDatabaseTest): planned on a new H2 database, by the primary key. */
  @Test
  void writesToOneRunFindItByPrimaryKeyOnANewDatabase() throws SQLException {
    open("h2");
    for (String write : List.of(WorkflowStore.MOVE_RUN, WorkflowStore.SET_SUSPENDED)) {
      assertThat(QueryPlans.planOf(database.dataSource(), write)).as(write)
          .contains("PRIMARY_KEY").doesNotContain("IX_SX_WF_INSTANCE");
    }
  }

  private long job(String name) {
    JobRepository jobs = new JobRepository(database.dataSource());
    return jobs.upsert(new JobDefinition(0, "g", name, "Hello", "standalone", "", TimeType.API, null, null, 0, 0, 0, 0,
        0, 1, true, null, null, JobDefinition.SKIP)).id();
  }

  private static Workflow definition(String name) {
    return new Workflow(0, "g", name, null, Workflow.API, null, null, 1, Workflow.SKIP, Workflow.BLOCK_DESCENDANTS, false,
        Dag.EMPTY, T0, T0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aDagChangeIsAllOrNothingAndAJobBelongsToOneWorkflow(String kind) throws Exception {
    WorkflowStore store = open(kind);
    long a = job("A");
    long b = job("B");
    Workflow first = store.insert(definition("first"), T0);
    Workflow second = store.insert(definition("second"), T0);
    Dag ab = Dag.parse("{\"nodes\":[{\"id\":" + a + "},{\"id\":" + b + "}],\"edges\":[{\"source\":" + a + ",\"target\":" + b + "}]}");
    store.replaceDag(first.id(), ab, T0);

    assertThatThrownBy(() -> store.replaceDag(second.id(), Dag.parse("{\"nodes\":[{\"id\":" + b + "}]}"), T0))
        .hasMessageContaining("job " + b + " belongs to workflow " + first.id());
    assertThatThrownBy(() -> store.replaceDag(first.id(), Dag.parse("{\"nodes\":[{\"id\":" + a + "},{\"id\":987654}]}"), T0))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(store.find(first.id()).orElseThrow().dag()).isEqualTo(ab);
    assertThat(store.find(second.id()).orElseThrow().dag().nodes()).isEmpty();
    assertThat(store.jobsInWorkflows()).containsExactlyInAnyOrder(a, b);
    assertThatThrownBy(() -> store.insert(definition("first"), T0)).hasMessageContaining("exists in group g already");
    // the foreign key refuses deleting a job a workflow uses, whatever front door asks
    assertThatThrownBy(() -> new JobRepository(database.dataSource()).delete(a)).isInstanceOf(RuntimeException.class);
    assertThat(new JobRepository(database.dataSource()).findById(a)).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aRunIsCreatedOncePerScheduleTimeAndNodesMoveOnlyFromTheirExpectedState(String kind) throws Exception {
    WorkflowStore store = open(kind);
    long a = job("A");
    long b = job("B");
    Workflow w = store.insert(definition("w"), T0);
    store.replaceDag(w.id(), Dag.parse("{\"nodes\":[{\"id\":" + a + "},{\"id\":" + b + "}]}"), T0);
    Workflow stored = store.find(w.id()).orElseThrow();
    Map<Long, String> names = Map.of(a, "A", b, "B");

    WfInstance run = store.createRun(stored, T0, "API", "p", InstanceState.RUNNING, null, names, T0).orElseThrow();
    assertThat(store.createRun(stored, T0, "API", "p", InstanceState.RUNNING, null, names, T0)).isEmpty();
    assertThat(store.runsOf(w.id(), 10)).hasSize(1);

    List<WfNode> nodes = store.nodes(run.id());
    assertThat(nodes).extracting(WfNode::jobName).containsExactly("A", "B");
    assertThat(nodes).allSatisfy(n -> {
      assertThat(n.state()).isEqualTo(InstanceState.WAITING);
      assertThat(n.runTime()).isEqualTo(T0);
    });
    WfNode nodeA = nodes.get(0);
    assertThat(store.startNode(nodeA.id(), 77, T0, InstanceState.WAITING)).isTrue();
    assertThat(store.startNode(nodeA.id(), 78, T0, InstanceState.WAITING)).as("started once").isFalse();
    assertThat(store.endNode(nodeA.id(), InstanceState.SUCCESS, "x".repeat(3000), T0, InstanceState.RUNNING)).isTrue();
    assertThat(store.endNode(nodeA.id(), InstanceState.FAILED, "late", T0, InstanceState.RUNNING)).isFalse();
    WfNode ended = store.nodes(run.id()).get(0);
    assertThat(ended.state()).isEqualTo(InstanceState.SUCCESS);
    assertThat(ended.jobInstanceId()).isEqualTo(77L);
    assertThat(ended.result()).isEqualTo("x".repeat(990) + "...");

    assertThat(store.moveRun(run.id(), InstanceState.RUNNING, InstanceState.FAILED, "why", T0)).isTrue();
    assertThat(store.moveRun(run.id(), InstanceState.RUNNING, InstanceState.SUCCESS, null, T0)).isFalse();
    assertThat(store.findRun(run.id()).orElseThrow().finishedAt()).isEqualTo(T0);
    assertThat(store.resetNode(nodeA.id(), T0.plusMillis(1), InstanceState.FAILED)).as("a success is kept").isFalse();
  }

  @Test
  void resultsAreCappedAsTheOfficialWorkerCapsThem() {
    assertThat(WorkflowStore.capResult("y".repeat(1000))).isEqualTo("y".repeat(1000));
    assertThat(WorkflowStore.capResult("y".repeat(1001))).isEqualTo("y".repeat(990) + "...");
    assertThat(WorkflowStore.capResult(null)).isNull();
  }

  /** V9 on each database: a workflow's own alert settings (JSON texts, multi-byte too) round-trip, an update clears. */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql", "mariadb"})
  void aWorkflowsAlertSettingsAreStoredAndUpdated(String kind) throws Exception {
    WorkflowStore store = open(kind);
    String monitor = "{\"failEnable\":true,\"failLimitTimes\":2,\"sendChannel\":\"ding,mail\"}";
    String contact = "[{\"userName\":\"值班 😀\",\"ding\":\"ops-ding\",\"userMail\":\"a@example.com\"}]";
    Workflow d = definition("alerted");
    Workflow w = store.insert(new Workflow(0, d.groupId(), d.name(), null, d.timeType(), null, null, 1, d.concurrencyPolicy(),
        d.failurePolicy(), false, Dag.EMPTY, T0, T0, monitor, contact), T0);
    assertThat(store.find(w.id()).orElseThrow()).satisfies(found -> {
      assertThat(found.monitorConfig()).isEqualTo(monitor);
      assertThat(found.contact()).isEqualTo(contact);
    });
    Workflow plain = store.insert(definition("plain"), T0);
    assertThat(store.find(plain.id()).orElseThrow().monitorConfig()).isNull();

    Workflow stored = store.find(w.id()).orElseThrow();
    store.update(new Workflow(w.id(), w.groupId(), w.name(), "now described", w.timeType(), null, null, 1,
        w.concurrencyPolicy(), w.failurePolicy(), false, stored.dag(), T0, T0, null, contact), T0);
    Workflow updated = store.find(w.id()).orElseThrow();
    assertThat(updated.description()).isEqualTo("now described");
    assertThat(updated.monitorConfig()).isNull();
    assertThat(updated.contact()).isEqualTo(contact);
  }
}
