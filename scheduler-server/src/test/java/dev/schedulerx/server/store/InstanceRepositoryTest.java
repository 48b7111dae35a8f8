package dev.schedulerx.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InstanceRepositoryTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Instant SLOT = Instant.parse("2026-03-01T11:59:55Z");

  private TestDatabase db;
  private InstanceRepository instances;
  private long jobId;

  @BeforeEach
  void setUp() {
    db = TestDatabase.inMemory();
    instances = new InstanceRepository(db.dataSource());
    jobId = new JobRepository(db.dataSource()).upsert(Jobs.cron("g", "j")).id();
  }

  @AfterEach
  void tearDown() throws Exception {
    db.close();
  }

  private Optional<JobInstance> schedule(Instant slot, int attempt) {
    return instances.create(jobId, "g", "j", slot, TriggerType.SCHEDULE, "", attempt, NOW);
  }

  private long scheduled(Instant slot) {
    return schedule(slot, 0).orElseThrow().id();
  }

  @Test
  void createStoresAWaitingRun() {
    JobInstance created =
        instances.create(jobId, "g", "j", SLOT, TriggerType.SCHEDULE, "x=1", 0, NOW).orElseThrow();

    assertThat(created.id()).isPositive();
    assertThat(created)
        .isEqualTo(
            new JobInstance(
                created.id(),
                jobId,
                "g",
                "j",
                SLOT,
                TriggerType.SCHEDULE,
                InstanceState.WAITING,
                0,
                "x=1",
                null,
                null,
                null,
                null,
                NOW,
                null,
                null));
    assertThat(instances.findById(created.id())).contains(created);
  }

  @Test
  void theSameRunIsCreatedOnlyOnce() {
    assertThat(schedule(SLOT, 0)).isPresent();
    assertThat(schedule(SLOT, 0)).isEmpty();
    assertThat(schedule(SLOT, 1)).as("next attempt of the slot").isPresent();
    assertThat(schedule(SLOT.plusMillis(1), 0)).as("another slot").isPresent();
  }

  @Test
  void uniquenessIsAConstraintOfTheSchema() {
    scheduled(SLOT);
    String duplicate =
        "INSERT INTO sx_job_instance (job_id, group_id, job_name, schedule_time, trigger_type,"
            + " state, attempt, created_at) VALUES ("
            + jobId
            + ", 'g', 'j', "
            + SLOT.toEpochMilli()
            + ", 'API', 1, 0, 0)";
    assertThatThrownBy(() -> db.execute(duplicate))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("UQ_SX_JOB_INSTANCE_RUN");
  }

  @Test
  void aRunOfAnUnknownJobIsAQueryFailure() {
    assertThatThrownBy(
            () -> instances.create(jobId + 1, "g", "x", SLOT, TriggerType.SCHEDULE, "", 0, NOW))
        .isInstanceOf(StoreQueryException.class)
        .hasMessageStartingWith(
            "could not create instance of job " + (jobId + 1) + " at " + SLOT + " attempt 0: ");
  }

  @Test
  void apiRunsInTheSameMillisecondMoveOnByOneMillisecond() {
    JobInstance first = instances.createApiRun(jobId, "g", "j", "a", NOW);
    JobInstance second = instances.createApiRun(jobId, "g", "j", "b", NOW);

    assertThat(first.scheduleTime()).isEqualTo(NOW);
    assertThat(second.scheduleTime()).isEqualTo(NOW.plusMillis(1));
    assertThat(second.triggerType()).isEqualTo(TriggerType.API);
    assertThat(second.createdAt()).isEqualTo(NOW);
  }

  @Test
  void apiRunGivesUpWhenEveryTriedMillisecondIsTaken() {
    for (int i = 0; i < InstanceRepository.API_RUN_ATTEMPTS; i++) {
      instances.createApiRun(jobId, "g", "j", "", NOW);
    }
    assertThatThrownBy(() -> instances.createApiRun(jobId, "g", "j", "", NOW))
        .isInstanceOf(StoreConflictException.class)
        .hasMessage(
            "could not create an API run of job "
                + jobId
                + ": schedule times 2026-03-01T12:00:00Z and the next 9 ms are all taken");
  }

  @Test
  void markRunningRecordsTheWorkerAndKeepsTheFirstStart() {
    long id = scheduled(SLOT);
    assertThat(instances.markRunning(id, "w1", "10.0.0.1:1234", NOW)).isTrue();
    assertThat(instances.markRunning(id, "w1", "10.0.0.1:1234", NOW.plusSeconds(5))).isTrue();

    JobInstance running = instances.findById(id).orElseThrow();
    assertThat(running.state()).isEqualTo(InstanceState.RUNNING);
    assertThat(running.workerId()).isEqualTo("w1");
    assertThat(running.workerAddr()).isEqualTo("10.0.0.1:1234");
    assertThat(running.startedAt()).isEqualTo(NOW);
    assertThat(instances.markRunning(id + 100, "w1", "a", NOW)).isFalse();
  }

  @Test
  void finishIsIdempotent() {
    long id = scheduled(SLOT);
    instances.markRunning(id, "w1", "addr", NOW);

    assertThat(instances.finish(id, InstanceState.SUCCESS, "first", NOW.plusSeconds(3))).isTrue();
    assertThat(instances.finish(id, InstanceState.FAILED, "second", NOW.plusSeconds(9))).isFalse();
    assertThat(instances.markRunning(id, "w2", "other", NOW.plusSeconds(10))).isFalse();

    JobInstance finished = instances.findById(id).orElseThrow();
    assertThat(finished.state()).isEqualTo(InstanceState.SUCCESS);
    assertThat(finished.result()).isEqualTo("first");
    assertThat(finished.finishedAt()).isEqualTo(NOW.plusSeconds(3));
    assertThat(finished.workerId()).isEqualTo("w1");
    assertThat(finished.isFinished()).isTrue();
  }

  @Test
  void finishNeedsAFinalStateAndTruncatesTheResult() {
    long id = scheduled(SLOT);
    assertThatThrownBy(() -> instances.finish(id, InstanceState.PARTIAL_FAILED, "", NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot finish instance " + id + " as PARTIAL_FAILED: it is not a final state");

    assertThat(instances.finish(id, InstanceState.FAILED, "e".repeat(5000), NOW)).isTrue();
    assertThat(instances.findById(id).orElseThrow().result())
        .hasSize(InstanceRepository.MAX_RESULT_LENGTH);
  }

  @Test
  void progressTakesLargeJsonAndRefusesTooLargeJson() {
    long id = scheduled(SLOT);
    String json = "{\"total\":" + "1".repeat(InstanceRepository.MAX_LARGE_TEXT_LENGTH - 10) + "}";
    assertThat(instances.updateProgress(id, json)).isTrue();
    assertThat(instances.findById(id).orElseThrow().progress()).isEqualTo(json);

    assertThatThrownBy(() -> instances.updateProgress(id, json + "1".repeat(10)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(instances.updateProgress(id + 100, "{}")).isFalse();
  }

  @Test
  void findByJobIsNewestFirstAndLimited() {
    long older = scheduled(SLOT);
    long newer = scheduled(SLOT.plusSeconds(5));
    long retry = schedule(SLOT.plusSeconds(5), 1).orElseThrow().id();

    assertThat(instances.findByJob(jobId, 10))
        .extracting(JobInstance::id)
        .containsExactly(retry, newer, older);
    assertThat(instances.findByJob(jobId, 2))
        .extracting(JobInstance::id)
        .containsExactly(retry, newer);
    assertThat(instances.latestByJob(jobId)).map(JobInstance::id).contains(retry);
    assertThat(instances.latestByJob(jobId + 1)).isEmpty();
  }

  @Test
  void unfinishedAndRunningCounts() {
    long waiting = scheduled(SLOT);
    long running = scheduled(SLOT.plusSeconds(1));
    long done = scheduled(SLOT.plusSeconds(2));
    instances.markRunning(running, "w", "a", NOW);
    instances.finish(done, InstanceState.SKIPPED, null, NOW);

    assertThat(instances.findUnfinished())
        .extracting(JobInstance::id)
        .containsExactly(waiting, running);
    assertThat(instances.countRunning(jobId)).isEqualTo(2);
    assertThat(instances.countRunning(jobId + 1)).isZero();
  }

  @Test
  void lastScheduleTimeCountsOnlyScheduledRuns() {
    assertThat(instances.lastScheduleTime(jobId)).isEmpty();
    scheduled(SLOT);
    scheduled(SLOT.plusSeconds(5));
    instances.createApiRun(jobId, "g", "j", "", NOW.plusSeconds(60));

    assertThat(instances.lastScheduleTime(jobId)).contains(SLOT.plusSeconds(5));
  }

  @Test
  void purgeDeletesOnlyRunsFinishedBeforeTheCutoff() throws Exception {
    long old = scheduled(SLOT);
    long recent = scheduled(SLOT.plusSeconds(1));
    long unfinished = scheduled(SLOT.plusSeconds(2));
    instances.finish(old, InstanceState.SUCCESS, "", NOW.minusSeconds(3600));
    instances.finish(recent, InstanceState.FAILED, "", NOW);

    assertThat(instances.purgeFinishedBefore(NOW.minusSeconds(60))).isEqualTo(1);

    assertThat(instances.findById(old)).isEmpty();
    assertThat(instances.findById(recent)).isPresent();
    assertThat(instances.findById(unfinished)).isPresent();
    assertThat(instances.purgeFinishedBefore(NOW.minusSeconds(60))).isZero();
    assertThat(db.count("sx_job_instance")).isEqualTo(2);
  }
}
