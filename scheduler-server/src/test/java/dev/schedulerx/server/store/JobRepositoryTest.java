package dev.schedulerx.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schedulerx.server.schedule.TimeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JobRepositoryTest {
  private TestDatabase db;
  private JobRepository jobs;

  @BeforeEach
  void setUp() {
    db = TestDatabase.inMemory();
    jobs = new JobRepository(db.dataSource());
  }

  @AfterEach
  void tearDown() throws Exception {
    db.close();
  }

  @Test
  void upsertCreatesAndRoundTripsEveryField() {
    JobDefinition job = Jobs.cron("g1", "hello");
    JobDefinition stored = jobs.upsert(job);

    assertThat(stored.id()).isPositive();
    assertThat(stored).isEqualTo(job.withId(stored.id()));
    assertThat(jobs.findById(stored.id())).contains(stored);
    assertThat(jobs.findByName("g1", "hello")).contains(stored);
  }

  @Test
  void upsertOfTheSameNameKeepsTheIdAndUpdatesTheFields() {
    JobDefinition first = jobs.upsert(Jobs.cron("g1", "hello"));
    JobDefinition changed =
        new JobDefinition(
            999, // ignored: identity is group + name
            "g1",
            "hello",
            "otherProcessor",
            "BROADCAST",
            "",
            TimeType.FIXED_RATE,
            "30",
            null,
            0,
            10,
            0,
            0,
            60,
            3,
            false,
            null,
            null);

    JobDefinition second = jobs.upsert(changed);

    assertThat(second.id()).isEqualTo(first.id());
    assertThat(second.processor()).isEqualTo("otherProcessor");
    assertThat(second.executeMode()).isEqualTo("broadcast");
    assertThat(second.timeType()).isEqualTo(TimeType.FIXED_RATE);
    assertThat(second.timeZone()).isEmpty();
    assertThat(second.maxConcurrency()).isEqualTo(3);
    assertThat(second.enabled()).isFalse();
    assertThat(jobs.findById(first.id())).contains(second);
    assertThat(jobs.findAll()).hasSize(1);
  }

  @Test
  void sameNameInAnotherGroupIsAnotherJob() {
    long a = jobs.upsert(Jobs.cron("a", "x")).id();
    long b = jobs.upsert(Jobs.cron("b", "x")).id();
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void findAllIsOrderedByGroupThenName() {
    jobs.upsert(Jobs.cron("g2", "a"));
    jobs.upsert(Jobs.cron("g1", "b"));
    jobs.upsert(Jobs.cron("g1", "a"));
    assertThat(jobs.findAll())
        .extracting(j -> j.groupId() + "/" + j.name())
        .containsExactly("g1/a", "g1/b", "g2/a");
  }

  @Test
  void missingJobsAreEmpty() {
    assertThat(jobs.findById(42)).isEmpty();
    assertThat(jobs.findByName("g", "nope")).isEmpty();
    assertThat(jobs.setEnabled(42, true)).isFalse();
    assertThat(jobs.delete(42)).isFalse();
  }

  @Test
  void setEnabled() {
    long id = jobs.upsert(Jobs.cron("g", "j")).id();
    assertThat(jobs.setEnabled(id, false)).isTrue();
    assertThat(jobs.findById(id).orElseThrow().enabled()).isFalse();
    assertThat(jobs.setEnabled(id, true)).isTrue();
    assertThat(jobs.findById(id).orElseThrow().enabled()).isTrue();
  }

  @Test
  void deleteRemovesTheJobAndItsInstances() throws Exception {
    long id = jobs.upsert(Jobs.cron("g", "j")).id();
    new InstanceRepository(db.dataSource())
        .create(id, "g", "j", Instant.ofEpochMilli(1), TriggerType.SCHEDULE, "", 0, Instant.EPOCH);

    assertThat(jobs.delete(id)).isTrue();

    assertThat(jobs.findById(id)).isEmpty();
    assertThat(db.count("sx_job_instance")).isZero();
  }

  @Test
  void updateByIdCanRenameButNotOntoAnotherJob() {
    JobDefinition a = jobs.upsert(Jobs.cron("g", "a"));
    jobs.upsert(Jobs.cron("g", "b"));
    JobDefinition renamed = Jobs.cron("g", "c").withId(a.id());

    assertThat(jobs.update(renamed)).isTrue();
    assertThat(jobs.findByName("g", "c")).contains(renamed);
    assertThat(jobs.findByName("g", "a")).isEmpty();

    assertThatThrownBy(() -> jobs.update(Jobs.cron("g", "b").withId(a.id())))
        .isInstanceOf(StoreConflictException.class)
        .hasMessage("could not update job " + a.id() + ": job g/b already exists");
    assertThat(jobs.update(Jobs.cron("g", "z").withId(12345))).isFalse();
  }

  @Test
  void racingUpsertsOfOneNewJobEndWithOneRow() throws Exception {
    int threads = 8;
    int rounds = 20;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < rounds; round++) {
        String name = "raced-" + round;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<JobDefinition>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return jobs.upsert(Jobs.cron("g", name));
                  }));
        }
        start.countDown();
        List<Long> ids = new ArrayList<>();
        for (Future<JobDefinition> result : results) {
          ids.add(result.get(30, TimeUnit.SECONDS).id());
        }
        assertThat(ids).containsOnly(ids.get(0));
      }
      assertThat(db.count("sx_job")).isEqualTo(rounds);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void definitionsAreValidated() {
    assertThatThrownBy(() -> withExecuteMode("serial"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "executeMode \"serial\" is invalid: expected one of standalone, broadcast, parallel,"
                + " grid, batch, sharding");
    assertThatThrownBy(() -> Jobs.cron("g", "n".repeat(256)))
        .hasMessage("name is 256 characters long, at most 255 are allowed");
    assertThatThrownBy(() -> Jobs.cron("", "n")).hasMessage("groupId must not be empty");
  }

  private static JobDefinition withExecuteMode(String mode) {
    JobDefinition j = Jobs.cron("g", "n");
    return new JobDefinition(
        0,
        j.groupId(),
        j.name(),
        j.processor(),
        mode,
        j.parameters(),
        j.timeType(),
        j.timeExpression(),
        j.timeZone(),
        j.maxAttempt(),
        j.attemptIntervalSeconds(),
        j.taskMaxAttempt(),
        j.taskAttemptIntervalSeconds(),
        j.timeoutSeconds(),
        j.maxConcurrency(),
        j.enabled(),
        j.xattrs(),
        j.description());
  }
}
