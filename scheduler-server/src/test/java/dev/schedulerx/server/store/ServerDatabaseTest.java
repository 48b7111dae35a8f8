package dev.schedulerx.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** H2-only opening cases; what every database must do is in {@link StoreCompatibilityTest}. */
class ServerDatabaseTest {

  @Test
  void inMemoryDatabaseGetsTheSchema() throws Exception {
    try (TestDatabase db = TestDatabase.inMemory()) {
      assertThat(db.count("sx_job")).isZero();
      assertThat(db.count("sx_job_instance")).isZero();
    }
  }

  @Test
  void fileDatabaseKeepsItsDataAcrossReopen(@TempDir Path dir) {
    String url = "jdbc:h2:file:" + dir.resolve("store").toAbsolutePath();
    long jobId;
    long instanceId;
    try (ServerDatabase db = ServerDatabase.open(url, "sa", "secret", 2)) {
      jobId = new JobRepository(db.dataSource()).upsert(Jobs.cron("g", "kept")).id();
      instanceId =
          new InstanceRepository(db.dataSource())
              .create(
                  jobId,
                  "g",
                  "kept",
                  Instant.ofEpochMilli(1000),
                  TriggerType.SCHEDULE,
                  "",
                  0,
                  Instant.EPOCH)
              .orElseThrow()
              .id();
    }
    try (ServerDatabase db = ServerDatabase.open(url, "sa", "secret", 2)) {
      assertThat(new JobRepository(db.dataSource()).findByName("g", "kept"))
          .hasValueSatisfying(job -> assertThat(job.id()).isEqualTo(jobId));
      assertThat(new InstanceRepository(db.dataSource()).findById(instanceId)).isPresent();
    }
  }

  /**
   * Planned on a new, empty database (H2 keeps a statement's plan for the connection's life), a write to one run
   * must find it by its primary key: through the state or queue index it walked every unfinished run.
   */
  @Test
  void writesToOneRunFindItByPrimaryKeyOnANewDatabase() throws Exception {
    try (TestDatabase db = TestDatabase.inMemory()) {
      for (String write : List.of(InstanceRepository.MARK_RUNNING, InstanceRepository.FINISH,
          InstanceRepository.FINISH_STARTED, InstanceRepository.CLAIM_QUEUED)) {
        assertThat(QueryPlans.planOf(db.dataSource(), write)).as(write)
            .contains("PRIMARY_KEY").doesNotContain("IX_SX_JOB_INSTANCE");
      }
    }
  }

  @Test
  void unknownDriverNamesTheUrlWithoutThePassword() {
    String url = "jdbc:nosuchdb://db.example:5432/app?user=sx&password=s3cret";
    assertThatThrownBy(() -> ServerDatabase.open(url, "sx", "hunter2", 2))
        .isInstanceOf(StoreOpenException.class)
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(
            "cannot open database jdbc:nosuchdb://db.example:5432/app?user=sx&password=***: ")
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain("s3cret")
                    .doesNotContain("hunter2")
                    .doesNotContain("\n"));
  }

  @Test
  void unreachableServerNamesTheUrlAndTheCause() {
    String url = "jdbc:h2:tcp://127.0.0.1:1/nothing-here";
    assertThatThrownBy(() -> ServerDatabase.open(url, "sa", "pw", 2))
        .isInstanceOf(StoreOpenException.class)
        .hasMessageStartingWith("cannot open database " + url + ": ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void passwordsInUrlsAreRedacted() {
    assertThat(JdbcUrls.redact("jdbc:mariadb://sx:topsecret@db:3306/sx?useSsl=true"))
        .isEqualTo("jdbc:mariadb://sx:***@db:3306/sx?useSsl=true");
    assertThat(JdbcUrls.redact("jdbc:h2:file:/data/sx;USER=sa;PASSWORD=x;AUTO_SERVER=TRUE"))
        .isEqualTo("jdbc:h2:file:/data/sx;USER=sa;PASSWORD=***;AUTO_SERVER=TRUE");
    assertThat(JdbcUrls.redact("jdbc:postgresql://db/sx")).isEqualTo("jdbc:postgresql://db/sx");
  }

  @Test
  void poolSizeMustBePositive() {
    assertThatThrownBy(() -> ServerDatabase.open("jdbc:h2:mem:x", "sa", "", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
