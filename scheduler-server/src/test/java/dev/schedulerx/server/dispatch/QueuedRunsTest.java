package dev.schedulerx.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.TriggerType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrency policy "queue" in the scheduling core: runs due beyond max concurrency are stored WAITING and
 * queued (not SKIPPED), start oldest first when a run ends, and are picked up by a fresh due-pass (a restart
 * or a new leader). A registered worker answers only when the test ends a run, so started runs stay unfinished until then.
 */
class QueuedRunsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private SchedulingFixture server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void cronRunsDueWhileTheLimitIsReachedWaitInOrderAndStartOneByOneAsRunsEnd() {
    SchedulingFixture s = server = new SchedulingFixture(MutableClock.at("2026-03-01T00:00:05Z"));
    s.registerAnsweringWorker();
    JobDefinition job = s.save(TestJob.cron("every-10s", "*/10 * * * * ?").maxConcurrency(1).queueing());
    s.pass();
    s.advanceAndPass(Duration.ofSeconds(5)); // 00:00:10 starts
    s.advanceAndPass(Duration.ofSeconds(10)); // 00:00:20 is due while 00:00:10 runs
    s.advanceAndPass(Duration.ofSeconds(10)); // 00:00:30 too

    List<JobInstance> runs = s.runs(job);
    assertThat(runs).extracting(JobInstance::state).containsOnly(InstanceState.WAITING);
    assertThat(runs).extracting(JobInstance::queued).containsExactly(false, true, true);

    // A run's end is acknowledged to its worker before the next queued run starts: awaited.
    end(s, runs.get(0));
    await().atMost(DEADLINE).untilAsserted(() -> assertThat(s.runs(job)).extracting(JobInstance::queued)
        .as("the oldest queued run started").containsExactly(false, false, true));

    end(s, runs.get(1));
    await().atMost(DEADLINE).untilAsserted(() -> assertThat(s.runs(job)).extracting(JobInstance::queued)
        .containsExactly(false, false, false));
    assertThat(s.runs(job)).extracting(JobInstance::state)
        .containsExactly(InstanceState.SUCCESS, InstanceState.SUCCESS, InstanceState.WAITING);
    assertThat(s.runs(job)).extracting(JobInstance::scheduleTime)
        .containsExactly(Instant.parse("2026-03-01T00:00:10Z"), Instant.parse("2026-03-01T00:00:20Z"),
            Instant.parse("2026-03-01T00:00:30Z"));
  }

  @Test
  void queuedRunsLeftByAnotherLeaderStartOnTheNextPassOfAFreshDuePassWithinTheLimit() {
    SchedulingFixture s = server = new SchedulingFixture(MutableClock.at("2026-03-01T00:00:00Z"));
    s.registerSilentWorker("w1");
    JobDefinition job = s.save(TestJob.api("queued-elsewhere").maxConcurrency(1).queueing());
    Instant now = s.clock.instant();
    // As a previous leader (or this server before a restart) left them: queued, nothing running.
    JobInstance older = s.instances.create(job.id(), job.groupId(), job.name(), now, TriggerType.API, "a", 0, now, true).orElseThrow();
    JobInstance newer =
        s.instances.create(job.id(), job.groupId(), job.name(), now.plusMillis(1), TriggerType.API, "b", 0, now, true).orElseThrow();

    s.restartDuePass();
    s.pass();

    assertThat(s.instances.findById(older.id()).orElseThrow().queued()).as("older run started").isFalse();
    assertThat(s.instances.findById(newer.id()).orElseThrow().queued()).as("newer run still waits").isTrue();
    assertThat(s.instances.findById(newer.id()).orElseThrow().state()).isEqualTo(InstanceState.WAITING);
  }

  @Test
  void withTheSkipPolicyARunDueBeyondTheLimitIsStillSkipped() {
    SchedulingFixture s = server = new SchedulingFixture(MutableClock.at("2026-03-01T00:00:05Z"));
    s.registerSilentWorker("w1");
    JobDefinition job = s.save(TestJob.cron("skipping", "*/10 * * * * ?").maxConcurrency(1));
    s.pass();
    s.advanceAndPass(Duration.ofSeconds(5));
    s.advanceAndPass(Duration.ofSeconds(10));

    assertThat(s.runs(job)).extracting(JobInstance::state).containsExactly(InstanceState.WAITING, InstanceState.SKIPPED);
    assertThat(s.runs(job)).extracting(JobInstance::queued).containsOnly(false);
  }

  /** The run's master accepts it and reports SUCCESS, as a worker would. */
  private static void end(SchedulingFixture s, JobInstance run) {
    s.accept(run);
    s.lifecycle.onStatusReport(new StatusReport(run.jobId(), run.id(), InstanceState.SUCCESS.value(), "ok", null, "w1")).join();
  }
}
