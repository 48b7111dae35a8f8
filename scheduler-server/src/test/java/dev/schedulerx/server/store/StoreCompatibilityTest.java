package dev.schedulerx.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schedulerx.job.schedule.TimeType;
import dev.schedulerx.server.dispatch.MutableClock;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the job and instance repositories promise, on every database the server supports: one thin
 * subclass per database (db-scheduler's {@code CompatibilityTest}). Each subclass runs on its own
 * throwaway database, created once and emptied before every test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreCompatibilityTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Instant SLOT = Instant.parse("2026-03-01T11:59:55Z");
  /** An id no row gets: ids keep counting across the tests of a class. */
  private static final long NO_SUCH_ID = 987_654_321L;
  /** Two-, three- and four-byte UTF-8 (the last one a surrogate pair in Java). */
  private static final String MULTI_BYTE = "é中😀";
  private static final java.time.Duration LEASE_TTL = java.time.Duration.ofSeconds(6);

  private TestDatabase db;
  private JobRepository jobs;
  private InstanceRepository instances;
  private long jobId;

  /** The database under test, freshly created with the production migrations. */
  abstract TestDatabase createDatabase();

  /**
   * Credentials the database under test refuses, for the URL of {@code db}: {@code [user,
   * password]}.
   */
  abstract String[] refusedCredentials(TestDatabase db);

  @BeforeAll
  void openDatabase() {
    db = createDatabase();
  }

  @AfterAll
  void dropDatabase() throws SQLException {
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void emptyTablesAndStoreOneJob() throws SQLException {
    db.clear();
    jobs = new JobRepository(db.dataSource());
    instances = new InstanceRepository(db.dataSource());
    jobId = jobs.upsert(Jobs.cron("g", "j")).id();
  }

  // ---------------------------------------------------------------- database

  @Test
  void openingWithRefusedCredentialsNamesTheUrlWithoutThePassword() {
    String[] credentials = refusedCredentials(db);
    assertThatThrownBy(() -> ServerDatabase.open(db.url(), credentials[0], credentials[1], 1))
        .isInstanceOf(StoreOpenException.class)
        .hasMessageStartingWith("cannot open database " + JdbcUrls.redact(db.url()) + ": ")
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain(credentials[1])
                    .doesNotContain("\n"));
  }

  @Test
  void reopeningFindsTheSchemaAndKeepsTheData() {
    long instanceId = scheduled(SLOT);
    try (ServerDatabase again = ServerDatabase.open(db.url(), db.user(), db.password(), 2)) {
      assertThat(new JobRepository(again.dataSource()).findByName("g", "j"))
          .hasValueSatisfying(job -> assertThat(job.id()).isEqualTo(jobId));
      assertThat(new InstanceRepository(again.dataSource()).findById(instanceId)).isPresent();
    }
  }

  // ---------------------------------------------------------------- jobs

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
            null, JobDefinition.SKIP);

    JobDefinition second = jobs.upsert(changed);

    assertThat(second.id()).isEqualTo(first.id());
    assertThat(second.processor()).isEqualTo("otherProcessor");
    assertThat(second.executeMode()).isEqualTo("broadcast");
    assertThat(second.timeType()).isEqualTo(TimeType.FIXED_RATE);
    assertThat(second.timeZone()).isEmpty();
    assertThat(second.maxConcurrency()).isEqualTo(3);
    assertThat(second.enabled()).isFalse();
    assertThat(jobs.findById(first.id())).contains(second);
    assertThat(jobs.findAll()).extracting(JobDefinition::name).containsExactly("j", "hello");
  }

  @Test
  void upsertOfAnUnchangedJobKeepsTheId() {
    JobDefinition first = jobs.upsert(Jobs.cron("g1", "same"));
    JobDefinition second = jobs.upsert(Jobs.cron("g1", "same"));

    assertThat(second).isEqualTo(first);
    assertThat(jobs.findAll()).hasSize(2);
  }

  @Test
  void namesAreExactCaseAndTrailingSpacesMatter() {
    long lower = jobs.upsert(Jobs.cron("g", "report")).id();
    long upper = jobs.upsert(Jobs.cron("g", "Report")).id();
    long padded = jobs.upsert(Jobs.cron("g", "report ")).id();
    long otherGroup = jobs.upsert(Jobs.cron("G", "report")).id();

    assertThat(List.of(lower, upper, padded, otherGroup)).doesNotHaveDuplicates();
    assertThat(jobs.findByName("g", "REPORT")).isEmpty();
    assertThat(jobs.findByName("g", "report")).map(JobDefinition::id).contains(lower);
    assertThat(jobs.findByName("g", "report ")).map(JobDefinition::id).contains(padded);
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
        .containsExactly("g/j", "g1/a", "g1/b", "g2/a");
  }

  @Test
  void findByIdsAnswersTheJobsThatExistAcrossManyIds() {
    long a = jobs.upsert(Jobs.cron("g", "a")).id();
    long b = jobs.upsert(Jobs.cron("g", "b")).id();
    // More ids than one query binds, repeated and missing ones among them.
    List<Long> ids = new ArrayList<>();
    for (long i = 0; i < 1_200; i++) {
      ids.add(NO_SUCH_ID + i);
    }
    ids.add(700, b);
    ids.add(a);
    ids.add(b);
    ids.add(jobId);
    Map<Long, JobDefinition> found = jobs.findByIds(ids);
    assertThat(found).containsOnlyKeys(a, b, jobId);
    assertThat(found.get(b).name()).isEqualTo("b");
    assertThat(found.get(jobId).name()).isEqualTo("j");
    assertThat(jobs.findByIds(List.of())).isEmpty();
  }

  /** A fan-out's children: many runs in one call, each with its own id, in the order asked. */
  @Test
  void createAllAnswersEveryRunWithItsIdInOrder() {
    List<InstanceRepository.NewRun> runs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      runs.add(new InstanceRepository.NewRun(jobId, "g", "j", SLOT.plusSeconds(i), TriggerType.API, "p" + i, 0));
    }
    List<JobInstance> created = instances.createAll(runs, NOW).orElseThrow();
    assertThat(created).hasSize(300);
    assertThat(created.stream().map(JobInstance::id).distinct().count()).isEqualTo(300);
    for (int i : new int[] {0, 150, 299}) {
      JobInstance stored = instances.findById(created.get(i).id()).orElseThrow();
      assertThat(stored.scheduleTime()).isEqualTo(SLOT.plusSeconds(i));
      assertThat(stored.instanceParameters()).isEqualTo("p" + i);
      assertThat(stored.state()).isEqualTo(InstanceState.WAITING);
    }
  }

  /** All or nothing: one run that exists already (a previous leader's) makes the call create none. */
  @Test
  void createAllCreatesNoneWhenOneOfTheRunsExists() {
    instances.create(jobId, "g", "j", SLOT.plusSeconds(7), TriggerType.API, "", 0, NOW).orElseThrow();
    List<InstanceRepository.NewRun> runs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      runs.add(new InstanceRepository.NewRun(jobId, "g", "j", SLOT.plusSeconds(i), TriggerType.API, "", 0));
    }
    assertThat(instances.createAll(runs, NOW)).isEmpty();
    assertThat(instances.findByJob(jobId, 100)).hasSize(1);
  }

  @Test
  void missingJobsAreEmpty() {
    assertThat(jobs.findById(NO_SUCH_ID)).isEmpty();
    assertThat(jobs.findByName("g", "nope")).isEmpty();
    assertThat(jobs.setEnabled(NO_SUCH_ID, true)).isFalse();
    assertThat(jobs.delete(NO_SUCH_ID)).isFalse();
  }

  @Test
  void setEnabled() {
    assertThat(jobs.setEnabled(jobId, false)).isTrue();
    assertThat(jobs.findById(jobId).orElseThrow().enabled()).isFalse();
    assertThat(jobs.setEnabled(jobId, true)).isTrue();
    assertThat(jobs.setEnabled(jobId, true)).as("unchanged, but found").isTrue();
    assertThat(jobs.findById(jobId).orElseThrow().enabled()).isTrue();
  }

  @Test
  void deleteRemovesTheJobAndItsInstances() throws Exception {
    scheduled(SLOT);

    assertThat(jobs.delete(jobId)).isTrue();

    assertThat(jobs.findById(jobId)).isEmpty();
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
    assertThat(jobs.update(Jobs.cron("g", "z").withId(NO_SUCH_ID))).isFalse();
  }

  @Test
  void textFieldsOfMaximumLengthRoundTripInMultiByteUtf8() {
    JobDefinition job =
        new JobDefinition(
            0,
            fill(MULTI_BYTE, JobDefinition.MAX_GROUP_ID_LENGTH),
            fill(MULTI_BYTE, JobDefinition.MAX_NAME_LENGTH),
            fill(MULTI_BYTE, JobDefinition.MAX_PROCESSOR_LENGTH),
            "standalone",
            fill(MULTI_BYTE, JobDefinition.MAX_LARGE_TEXT_LENGTH),
            TimeType.API,
            fill(MULTI_BYTE, JobDefinition.MAX_TIME_EXPRESSION_LENGTH),
            fill(MULTI_BYTE, JobDefinition.MAX_TIME_ZONE_LENGTH),
            0,
            0,
            0,
            0,
            0,
            1,
            true,
            fill(MULTI_BYTE, JobDefinition.MAX_LARGE_TEXT_LENGTH),
            fill(MULTI_BYTE, JobDefinition.MAX_DESCRIPTION_LENGTH), JobDefinition.SKIP);

    JobDefinition stored = jobs.upsert(job);

    assertThat(stored).isEqualTo(job.withId(stored.id()));
    assertThat(jobs.findByName(job.groupId(), job.name())).contains(stored);
  }

  @Test
  void racingUpsertsOfOneNewJobEndWithOneRow() throws Exception {
    int rounds = 20;
    for (int round = 0; round < rounds; round++) {
      String name = "raced-" + round;
      List<JobDefinition> results = race(() -> jobs.upsert(Jobs.cron("g", name)));
      assertThat(results).extracting(JobDefinition::id).containsOnly(results.get(0).id());
    }
    assertThat(db.count("sx_job")).isEqualTo(rounds + 1);
  }

  // ---------------------------------------------------------------- instances

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
                null, false));
    assertThat(instances.findById(created.id())).contains(created);
  }

  @Test
  void theConcurrencyPolicyRoundTripsAndDefaultsToSkip() {
    JobDefinition plain = jobs.upsert(Jobs.cron("g1", "plain"));
    assertThat(plain.concurrencyPolicy()).isEqualTo(JobDefinition.SKIP);

    JobDefinition queueing = jobs.upsert(withPolicy(Jobs.cron("g1", "queueing"), JobDefinition.QUEUE));
    assertThat(jobs.findById(queueing.id()).orElseThrow().queuesExtraRuns()).isTrue();

    jobs.upsert(withPolicy(Jobs.cron("g1", "queueing"), JobDefinition.SKIP));
    assertThat(jobs.findById(queueing.id()).orElseThrow().concurrencyPolicy()).isEqualTo(JobDefinition.SKIP);
  }

  @Test
  void queuedRunsWaitOutsideTheActiveCountInCreationOrderAndAreClaimedOnce() {
    JobInstance active = instances.create(jobId, "g", "j", SLOT, TriggerType.SCHEDULE, "", 0, NOW).orElseThrow();
    List<JobInstance> queued = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      queued.add(instances.create(jobId, "g", "j", SLOT.plusSeconds(i), TriggerType.API, "q" + i, 0, NOW, true).orElseThrow());
    }
    assertThat(queued).allSatisfy(run -> {
      assertThat(run.queued()).isTrue();
      assertThat(run.state()).isEqualTo(InstanceState.WAITING);
    });
    assertThat(active.queued()).isFalse();
    assertThat(instances.countActive(jobId)).isEqualTo(1);
    assertThat(instances.countRunning(jobId)).as("every unfinished run").isEqualTo(4);
    assertThat(instances.jobsWithQueuedRuns()).containsExactly(jobId);
    assertThat(instances.findQueued(jobId, 10)).extracting(JobInstance::instanceParameters).containsExactly("q1", "q2", "q3");
    assertThat(instances.findQueued(jobId, 1)).extracting(JobInstance::id).containsExactly(queued.get(0).id());

    assertThat(instances.claimQueued(queued.get(0).id())).isTrue();
    assertThat(instances.claimQueued(queued.get(0).id())).as("a second claim").isFalse();
    assertThat(instances.countActive(jobId)).isEqualTo(2);
    assertThat(instances.findById(queued.get(0).id()).orElseThrow().queued()).isFalse();

    // A queued run that is killed leaves the queue; a finished one can no longer be claimed.
    assertThat(instances.finish(queued.get(1).id(), InstanceState.KILLED, "killed by request", NOW)).isTrue();
    assertThat(instances.claimQueued(queued.get(1).id())).isFalse();
    assertThat(instances.findQueued(jobId, 10)).extracting(JobInstance::instanceParameters).containsExactly("q3");
    assertThat(instances.countActive(jobId)).isEqualTo(2);
  }

  @Test
  void racingClaimsOfOneQueuedRunHaveOneWinner() throws Exception {
    long id = instances.create(jobId, "g", "j", SLOT, TriggerType.API, "", 0, NOW, true).orElseThrow().id();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> claims = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        claims.add(pool.submit(() -> {
          go.await();
          return instances.claimQueued(id);
        }));
      }
      go.countDown();
      int winners = 0;
      for (Future<Boolean> claim : claims) {
        winners += claim.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  private static JobDefinition withProcessor(JobDefinition j, String processor) {
    return new JobDefinition(j.id(), j.groupId(), j.name(), processor, j.executeMode(), j.parameters(), j.timeType(),
        j.timeExpression(), j.timeZone(), j.maxAttempt(), j.attemptIntervalSeconds(), j.taskMaxAttempt(),
        j.taskAttemptIntervalSeconds(), j.timeoutSeconds(), j.maxConcurrency(), j.enabled(), j.xattrs(), j.description(),
        j.concurrencyPolicy());
  }

  private static JobDefinition withPolicy(JobDefinition j, String policy) {
    return new JobDefinition(j.id(), j.groupId(), j.name(), j.processor(), j.executeMode(), j.parameters(), j.timeType(),
        j.timeExpression(), j.timeZone(), j.maxAttempt(), j.attemptIntervalSeconds(), j.taskMaxAttempt(),
        j.taskAttemptIntervalSeconds(), j.timeoutSeconds(), j.maxConcurrency(), j.enabled(), j.xattrs(), j.description(),
        policy);
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
        .satisfies(
            e -> {
              assertThat(SqlErrors.isConstraintViolation((SQLException) e)).isTrue();
              assertThat(e.getMessage()).containsIgnoringCase("uq_sx_job_instance_run");
            });
  }

  @Test
  void eightRacingCreatesOfOneRunMakeExactlyOneRow() throws Exception {
    int rounds = 25;
    for (int round = 0; round < rounds; round++) {
      Instant slot = NOW.plusSeconds(round);
      List<Optional<JobInstance>> results =
          race(() -> instances.create(jobId, "g", "j", slot, TriggerType.SCHEDULE, "", 0, NOW));
      assertThat(results.stream().filter(Optional::isPresent).count())
          .as("winners of round %d", round)
          .isEqualTo(1);
    }
    assertThat(db.count("sx_job_instance")).isEqualTo(rounds);
  }

  @Test
  void aRunOfAnUnknownJobIsAQueryFailure() {
    assertThatThrownBy(
            () -> instances.create(NO_SUCH_ID, "g", "x", SLOT, TriggerType.SCHEDULE, "", 0, NOW))
        .isInstanceOf(StoreQueryException.class)
        .hasMessageStartingWith(
            "could not create instance of job " + NO_SUCH_ID + " at " + SLOT + " attempt 0: ");
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
  void manyApiRunsInOneMillisecondAllGetTheirOwnScheduleTime() {
    // More than API_RUN_ATTEMPTS: a collision jumps past the taken times instead of trying them one by one.
    int runs = InstanceRepository.API_RUN_ATTEMPTS * 3;
    java.util.Set<Instant> times = new java.util.HashSet<>();
    for (int i = 0; i < runs; i++) {
      times.add(instances.createApiRun(jobId, "g", "j", "", NOW).scheduleTime());
    }
    assertThat(times).hasSize(runs).allMatch(t -> !t.isBefore(NOW));
  }

  @Test
  void apiRunsAfterARestartContinuePastTheStoredSlots() {
    for (int i = 0; i < 5; i++) {
      instances.createApiRun(jobId, "g", "j", "", NOW);
    }
    InstanceRepository restarted = new InstanceRepository(db.dataSource());

    assertThat(restarted.createApiRun(jobId, "g", "j", "", NOW).scheduleTime()).isEqualTo(NOW.plusMillis(5));
    assertThat(restarted.createApiRun(jobId, "g", "j", "", NOW).scheduleTime()).isEqualTo(NOW.plusMillis(6));
    assertThat(instances.findByJob(jobId, 100)).hasSize(7);
  }

  @Test
  void racingApiRunsOfTwoNodesAreEachCreatedOnceInTheirOwnSlot() throws Exception {
    InstanceRepository otherNode = new InstanceRepository(db.dataSource());
    int perThread = 20;
    java.util.concurrent.atomic.AtomicInteger thread = new java.util.concurrent.atomic.AtomicInteger();
    List<List<Long>> ids = race(() -> {
      InstanceRepository node = thread.getAndIncrement() % 2 == 0 ? instances : otherNode;
      List<Long> created = new ArrayList<>();
      for (int i = 0; i < perThread; i++) {
        created.add(node.createApiRun(jobId, "g", "j", "", NOW).id());
      }
      return created;
    });

    List<JobInstance> stored = instances.findByJob(jobId, 1000);
    assertThat(ids.stream().mapToLong(List::size).sum()).isEqualTo(8L * perThread);
    assertThat(stored).hasSize(8 * perThread);
    assertThat(stored).extracting(JobInstance::id)
        .containsExactlyInAnyOrderElementsOf(ids.stream().flatMap(List::stream).toList());
    assertThat(stored).extracting(JobInstance::scheduleTime).doesNotHaveDuplicates().allMatch(t -> !t.isBefore(NOW));
  }

  @Test
  void finishStartedStoresTheStartWithTheEndOnce() {
    long id = scheduled(SLOT);
    assertThat(instances.finishStarted(id, "w1", "10.0.0.1:1234", NOW, InstanceState.SUCCESS, "quick", NOW.plusMillis(3)))
        .isTrue();
    assertThat(instances.finishStarted(id, "w2", "other", NOW, InstanceState.FAILED, "again", NOW.plusSeconds(1)))
        .as("a redelivered report")
        .isFalse();

    JobInstance done = instances.findById(id).orElseThrow();
    assertThat(done.state()).isEqualTo(InstanceState.SUCCESS);
    assertThat(done.result()).isEqualTo("quick");
    assertThat(done.workerId()).isEqualTo("w1");
    assertThat(done.workerAddr()).isEqualTo("10.0.0.1:1234");
    assertThat(done.startedAt()).isEqualTo(NOW);
    assertThat(done.finishedAt()).isEqualTo(NOW.plusMillis(3));
  }

  @Test
  void finishStartedNeverEndsBeforeTheStart() {
    long id = scheduled(SLOT);
    instances.finishStarted(id, "w1", "a", NOW, InstanceState.FAILED, "", NOW.minusMillis(2));

    JobInstance done = instances.findById(id).orElseThrow();
    assertThat(done.finishedAt()).isEqualTo(done.startedAt()).isEqualTo(NOW);
  }

  @Test
  void cachedJobsByNameSeeWritesOfThisNodeAtOnceAndOfOtherNodesWithinTheCacheTime() {
    MutableClock clock = new MutableClock(NOW);
    JobRepository cached = new JobRepository(db.dataSource(), clock, Duration.ofMillis(100));
    JobRepository otherNode = new JobRepository(db.dataSource());
    JobDefinition stored = cached.findAllNamedCached("j").get(0);

    otherNode.upsert(withProcessor(stored, "Changed"));
    assertThat(cached.findAllNamedCached("j")).extracting(JobDefinition::processor).containsExactly(stored.processor());
    clock.advance(Duration.ofMillis(100));
    assertThat(cached.findAllNamedCached("j")).extracting(JobDefinition::processor).containsExactly("Changed");

    cached.upsert(withProcessor(stored, "Again"));
    assertThat(cached.findAllNamedCached("j")).extracting(JobDefinition::processor).containsExactly("Again");
    cached.delete(stored.id());
    assertThat(cached.findAllNamedCached("j")).isEmpty();
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
    assertThat(instances.markRunning(NO_SUCH_ID, "w1", "a", NOW)).isFalse();
  }

  @Test
  void recordWorkerOfARunThatFinishedBeforeItsSubmitWasAcknowledged() {
    long id = scheduled(SLOT);
    instances.finish(id, InstanceState.SUCCESS, "quick", NOW);

    assertThat(instances.recordWorker(id, "w1", "addr", NOW.plusSeconds(1))).isTrue();
    assertThat(instances.recordWorker(id, "w2", "other", NOW.plusSeconds(2))).isFalse();

    JobInstance done = instances.findById(id).orElseThrow();
    assertThat(done.workerId()).isEqualTo("w1");
    assertThat(done.startedAt()).as("never after the finish").isEqualTo(NOW);
    assertThat(done.state()).isEqualTo(InstanceState.SUCCESS);
  }

  @Test
  void finishIsIdempotent() {
    long id = scheduled(SLOT);
    instances.markRunning(id, "w1", "addr", NOW);

    assertThat(instances.finish(id, InstanceState.SUCCESS, "first", NOW.plusSeconds(3))).isTrue();
    assertThat(instances.finish(id, InstanceState.SUCCESS, "first", NOW.plusSeconds(3)))
        .as("the same report again")
        .isFalse();
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
  void resultsOfMaximumLengthRoundTripInMultiByteUtf8() {
    String exact = fill(MULTI_BYTE, InstanceRepository.MAX_RESULT_LENGTH);
    long exactId = scheduled(SLOT);
    long longerId = scheduled(SLOT.plusSeconds(1));

    assertThat(instances.finish(exactId, InstanceState.SUCCESS, exact, NOW)).isTrue();
    assertThat(instances.finish(longerId, InstanceState.SUCCESS, "😀".repeat(1500), NOW)).isTrue();

    assertThat(instances.findById(exactId).orElseThrow().result()).isEqualTo(exact);
    assertThat(instances.findById(longerId).orElseThrow().result())
        .as("cut at %d chars, between whole characters", InstanceRepository.MAX_RESULT_LENGTH)
        .isEqualTo("😀".repeat(InstanceRepository.MAX_RESULT_LENGTH / 2));
  }

  @Test
  void progressAndParametersOfMaximumLengthRoundTripInMultiByteUtf8() {
    String parameters = fill(MULTI_BYTE, InstanceRepository.MAX_LARGE_TEXT_LENGTH);
    long id =
        instances
            .create(jobId, "g", "j", SLOT, TriggerType.API, parameters, 0, NOW)
            .orElseThrow()
            .id();
    String json = "{\"w\":\"" + fill(MULTI_BYTE, InstanceRepository.MAX_LARGE_TEXT_LENGTH - 8) + "\"}";

    assertThat(instances.updateProgress(id, json)).isTrue();

    JobInstance stored = instances.findById(id).orElseThrow();
    assertThat(stored.instanceParameters()).isEqualTo(parameters);
    assertThat(stored.progress()).isEqualTo(json);
    assertThatThrownBy(() -> instances.updateProgress(id, json + "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(instances.updateProgress(NO_SUCH_ID, "{}")).isFalse();
  }

  @Test
  void nulCharactersFromWorkersAreStoredAsReplacementCharacters() {
    long id = scheduled(SLOT);

    assertThat(instances.updateProgress(id, "{\"a\":\"x\u0000y\"}")).isTrue();
    assertThat(instances.finish(id, InstanceState.FAILED, "bad\u0000output", NOW)).isTrue();

    JobInstance stored = instances.findById(id).orElseThrow();
    assertThat(stored.result()).isEqualTo("bad\uFFFDoutput");
    assertThat(stored.progress()).isEqualTo("{\"a\":\"x\uFFFDy\"}");
  }

  @Test
  void nulCharactersInParametersAreRefusedBeforeTheDatabase() {
    assertThatThrownBy(
            () -> instances.create(jobId, "g", "j", SLOT, TriggerType.API, "a\u0000", 0, NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("instanceParameters must not contain the NUL character (U+0000)");
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
    assertThat(instances.latestByJob(NO_SUCH_ID)).isEmpty();
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
    assertThat(instances.countRunning(NO_SUCH_ID)).isZero();
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

  // ---------------------------------------------------------------- helpers

  private Optional<JobInstance> schedule(Instant slot, int attempt) {
    return instances.create(jobId, "g", "j", slot, TriggerType.SCHEDULE, "", attempt, NOW);
  }

  private long scheduled(Instant slot) {
    return schedule(slot, 0).orElseThrow().id();
  }

  /** Runs {@code call} on eight threads released at once; their results, in thread order. */
  private static <T> List<T> race(Callable<T> call) throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return call.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- leader lease

  @Test
  void racingNodesAcquireAFreeLeaseOnce() throws Exception {
    LeaderLease lease = new LeaderLease(db.dataSource());
    java.util.concurrent.atomic.AtomicInteger node = new java.util.concurrent.atomic.AtomicInteger();
    List<String> winners =
        race(() -> {
              String id = "node-" + node.incrementAndGet();
              return lease.tryAcquireOrRenew(id, id + ":1", id + ":2", NOW, LEASE_TTL) ? id : null;
            })
            .stream().filter(java.util.Objects::nonNull).toList();

    assertThat(winners).hasSize(1);
    assertThat(lease.current(NOW)).hasValueSatisfying(h -> {
      assertThat(h.nodeId()).isEqualTo(winners.get(0));
      assertThat(h.remotingAddr()).isEqualTo(winners.get(0) + ":1");
      assertThat(h.httpAddr()).isEqualTo(winners.get(0) + ":2");
      assertThat(h.expiresAt()).isEqualTo(NOW.plus(LEASE_TTL));
    });
  }

  @Test
  void racingNodesTakeAnExpiredLeaseOverOnce() throws Exception {
    LeaderLease lease = new LeaderLease(db.dataSource());
    assertThat(lease.tryAcquireOrRenew("old", "old:1", "old:2", NOW, LEASE_TTL)).isTrue();
    Instant later = NOW.plus(LEASE_TTL).plusMillis(1);
    assertThat(lease.current(later)).isEmpty();
    for (int round = 0; round < 5; round++) {
      java.util.concurrent.atomic.AtomicInteger node = new java.util.concurrent.atomic.AtomicInteger();
      Instant at = later.plus(LEASE_TTL.multipliedBy(2 * round));
      String prefix = "r" + round + "-";
      List<String> winners =
          race(() -> {
                String id = prefix + node.incrementAndGet();
                return lease.tryAcquireOrRenew(id, id + ":1", id + ":2", at, LEASE_TTL) ? id : null;
              })
              .stream().filter(java.util.Objects::nonNull).toList();
      assertThat(winners).as("round %d", round).hasSize(1);
      assertThat(lease.current(at).map(LeaderLease.Holder::nodeId)).hasValue(winners.get(0));
    }
  }

  @Test
  void theHolderRenewsOthersWaitUntilItExpiresOrIsReleased() {
    LeaderLease lease = new LeaderLease(db.dataSource());
    assertThat(lease.tryAcquireOrRenew("a", "a:1", "a:2", NOW, LEASE_TTL)).isTrue();
    assertThat(lease.tryAcquireOrRenew("b", "b:1", "b:2", NOW.plusSeconds(1), LEASE_TTL)).isFalse();
    assertThat(lease.tryAcquireOrRenew("a", "a:1", "a:2", NOW.plusSeconds(5), LEASE_TTL)).isTrue();
    // renewed: still a's a full TTL after the renewal, not after the first acquisition
    assertThat(lease.tryAcquireOrRenew("b", "b:1", "b:2", NOW.plusSeconds(8), LEASE_TTL)).isFalse();
    assertThat(lease.current(NOW.plusSeconds(8)).map(LeaderLease.Holder::nodeId)).hasValue("a");

    assertThat(lease.release("b")).isFalse();
    assertThat(lease.release("a")).isTrue();
    assertThat(lease.current(NOW.plusSeconds(8))).isEmpty();
    assertThat(lease.tryAcquireOrRenew("b", "b:1", "b:2", NOW.plusSeconds(8), LEASE_TTL)).isTrue();
    // a, having lost it, cannot renew
    assertThat(lease.tryAcquireOrRenew("a", "a:1", "a:2", NOW.plusSeconds(9), LEASE_TTL)).isFalse();
    assertThat(lease.current(NOW.plusSeconds(9)).map(LeaderLease.Holder::remotingAddr)).hasValue("b:1");
  }

  /** {@code length} Java chars of {@code pattern} repeated, never ending in half a surrogate pair. */
  private static String fill(String pattern, int length) {
    String text = Texts.truncate(pattern.repeat(length / pattern.length() + 1), length);
    return text.length() == length ? text : text + "x";
  }
}
