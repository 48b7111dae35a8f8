package dev.schedulerx.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.job.schedule.TimeType;
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
 * When the due-pass starts runs: cron, fixed_rate, one_time, second_delay, api, disabled jobs, max
 * concurrency and definition changes, with time moved by hand and one pass run at a time. No worker is
 * registered unless a test says so, so every started run fails at once with "no live worker"; the tests look
 * at which runs were created and for which slot.
 */
class DuePassTest {
  private SchedulingFixture server;

  private SchedulingFixture serverAt(String isoInstant) {
    server = new SchedulingFixture(MutableClock.at(isoInstant));
    return server;
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static Instant at(String isoInstant) {
    return Instant.parse(isoInstant);
  }

  private static Duration seconds(long n) {
    return Duration.ofSeconds(n);
  }

  @Test
  void aNewCronJobWaitsForItsFirstSlotThenRunsExactlyOncePerSlot() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:03Z");
    JobDefinition job = s.save(TestJob.cron("every-10s", "*/10 * * * * ?"));

    s.pass();
    s.advanceAndPass(seconds(6)); // 00:00:09
    assertThat(s.runs(job)).as("nothing before the first slot").isEmpty();

    s.advanceAndPass(seconds(1)); // 00:00:10
    s.pass(); // a second pass in the same second creates nothing more
    assertThat(s.scheduleTimes(job)).containsExactly(at("2026-03-01T00:00:10Z"));

    s.advanceAndPass(seconds(5)); // 00:00:15
    s.advanceAndPass(seconds(5)); // 00:00:20
    s.advanceAndPass(seconds(10)); // 00:00:30
    s.advanceAndPass(Duration.ofMillis(9_999)); // 00:00:39.999
    assertThat(s.scheduleTimes(job))
        .containsExactly(at("2026-03-01T00:00:10Z"), at("2026-03-01T00:00:20Z"), at("2026-03-01T00:00:30Z"));
    assertThat(s.runs(job))
        .allSatisfy(run -> {
          assertThat(run.triggerType()).isEqualTo(TriggerType.SCHEDULE);
          assertThat(run.attempt()).isZero();
          assertThat(run.state()).isEqualTo(InstanceState.FAILED);
          assertThat(run.result()).isEqualTo("no live worker in group g");
        });
  }

  @Test
  void afterARestartFollowingDowntimeACronJobFiresOnceForTheLatestMissedSlot() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:05Z");
    JobDefinition job = s.save(TestJob.cron("every-10s", "*/10 * * * * ?"));
    s.pass();
    s.advanceAndPass(seconds(5)); // 00:00:10 runs

    s.clock.advance(Duration.ofHours(1).plusSeconds(5)); // down until 01:00:15: 360 slots missed
    s.restartDuePass();
    s.pass();
    s.pass();

    assertThat(s.scheduleTimes(job)).containsExactly(at("2026-03-01T00:00:10Z"), at("2026-03-01T01:00:10Z"));
    s.advanceAndPass(seconds(5)); // 01:00:20: back on the grid
    assertThat(s.scheduleTimes(job)).hasSize(3).last().isEqualTo(at("2026-03-01T01:00:20Z"));
  }

  @Test
  void afterAPauseACronJobFiresOnceForTheLatestMissedSlot() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:05Z");
    JobDefinition job = s.save(TestJob.cron("every-10s", "*/10 * * * * ?"));
    s.pass();
    s.advanceAndPass(seconds(5)); // 00:00:10 runs
    s.advanceAndPass(seconds(5)); // 00:00:15, the next run (00:00:20) is planned

    s.advanceAndPass(Duration.ofHours(1)); // the machine slept: 01:00:15
    s.pass();
    s.pass();

    assertThat(s.scheduleTimes(job)).containsExactly(at("2026-03-01T00:00:10Z"), at("2026-03-01T01:00:10Z"));
  }

  @Test
  void aFixedRateJobRunsEveryPeriodStartingOnePeriodAfterItWasCreated() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:00Z");
    JobDefinition job = s.save(TestJob.of("every-30s", TimeType.FIXED_RATE, "30"));

    s.pass();
    s.advanceAndPass(seconds(29));
    assertThat(s.runs(job)).as("not on the spot, not before one period").isEmpty();

    s.advanceAndPass(seconds(1)); // 00:00:30
    s.advanceAndPass(seconds(15));
    s.advanceAndPass(seconds(15)); // 00:01:00
    s.advanceAndPass(seconds(29));
    s.advanceAndPass(seconds(1)); // 00:01:30

    assertThat(s.scheduleTimes(job))
        .containsExactly(at("2026-03-01T00:00:30Z"), at("2026-03-01T00:01:00Z"), at("2026-03-01T00:01:30Z"));
  }

  @Test
  void aOneTimeJobInThePastFiresOnceAndNeverAgain() {
    SchedulingFixture s = serverAt("2026-03-01T12:00:00Z");
    JobDefinition job = s.save(TestJob.of("once", TimeType.ONE_TIME, "2026-03-01T08:00:00Z"));

    s.pass();
    s.pass();
    s.advanceAndPass(Duration.ofDays(1));
    s.restartDuePass();
    s.advanceAndPass(Duration.ofDays(400));

    assertThat(s.scheduleTimes(job)).containsExactly(at("2026-03-01T08:00:00Z"));
  }

  @Test
  void apiJobsAndDisabledJobsNeverFire() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:00Z");
    JobDefinition api = s.save(TestJob.api("on-demand"));
    JobDefinition disabledCron = s.save(TestJob.cron("paused-cron", "*/10 * * * * ?").disabled());
    JobDefinition disabledRate = s.save(TestJob.of("paused-rate", TimeType.FIXED_RATE, "5").disabled());
    JobDefinition disabledOnce = s.save(TestJob.of("paused-once", TimeType.ONE_TIME, "2026-01-01T00:00:00Z").disabled());

    for (int i = 0; i < 30; i++) {
      s.advanceAndPass(seconds(7));
    }
    s.advanceAndPass(Duration.ofDays(2));

    for (JobDefinition job : List.of(api, disabledCron, disabledRate, disabledOnce)) {
      assertThat(s.runs(job)).as(job.name()).isEmpty();
    }
  }

  @Test
  void aSecondDelayJobRunsAtOnceThenTheDelayAfterThePreviousRunFinished() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:00Z");
    s.registerSilentWorker("w1"); // runs stay unfinished until the test finishes them
    JobDefinition job = s.save(TestJob.of("delay-5s", TimeType.SECOND_DELAY, "5"));

    s.pass();
    assertThat(s.scheduleTimes(job)).as("first run immediately").containsExactly(at("2026-03-01T00:00:00Z"));

    s.advanceAndPass(seconds(60));
    assertThat(s.runs(job)).as("no second run while the first is unfinished").hasSize(1);

    long first = s.runs(job).get(0).id();
    assertThat(s.instances.finish(first, InstanceState.SUCCESS, "done", s.clock.instant())).isTrue(); // 00:01:00
    s.advanceAndPass(seconds(4));
    assertThat(s.runs(job)).as("4 s after the finish").hasSize(1);

    s.advanceAndPass(seconds(1));
    assertThat(s.scheduleTimes(job)).containsExactly(at("2026-03-01T00:00:00Z"), at("2026-03-01T00:01:05Z"));
  }

  @Test
  void aRunDueWhileTheMaxConcurrencyIsReachedIsRecordedAsSkipped() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:05Z");
    s.registerSilentWorker("w1");
    JobDefinition job = s.save(TestJob.cron("every-10s", "*/10 * * * * ?").maxConcurrency(1));
    s.pass();
    s.advanceAndPass(seconds(5)); // 00:00:10 starts and stays unfinished

    s.advanceAndPass(seconds(10)); // 00:00:20 is due while 00:00:10 still runs

    List<JobInstance> runs = s.runs(job);
    assertThat(runs).extracting(JobInstance::scheduleTime)
        .containsExactly(at("2026-03-01T00:00:10Z"), at("2026-03-01T00:00:20Z"));
    assertThat(runs.get(0).state()).isEqualTo(InstanceState.WAITING);
    assertThat(runs.get(1).state()).isEqualTo(InstanceState.SKIPPED);
    assertThat(runs.get(1).result()).contains("max concurrency");
    assertThat(runs.get(1).finishedAt()).isEqualTo(at("2026-03-01T00:00:20Z"));

    s.instances.finish(runs.get(0).id(), InstanceState.SUCCESS, "done", s.clock.instant());
    s.advanceAndPass(seconds(10)); // 00:00:30 may run again
    assertThat(s.runs(job)).hasSize(3).last().satisfies(run -> {
      assertThat(run.scheduleTime()).isEqualTo(at("2026-03-01T00:00:30Z"));
      assertThat(run.state()).isEqualTo(InstanceState.WAITING);
    });
  }

  @Test
  void aChangedCronExpressionTakesEffectOnTheNextPass() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:03Z");
    JobDefinition job = s.save(TestJob.cron("changing", "*/10 * * * * ?"));
    s.pass(); // 00:00:10 planned

    JobDefinition changed = s.save(TestJob.cron("changing", "25 * * * * ?"));
    s.pass();
    s.advanceAndPass(seconds(7)); // 00:00:10: the old slot
    s.advanceAndPass(seconds(10)); // 00:00:20: the old slot
    assertThat(s.runs(job)).as("old schedule no longer applies").isEmpty();

    s.advanceAndPass(seconds(5)); // 00:00:25
    s.advanceAndPass(seconds(60)); // 00:01:25
    assertThat(changed.id()).as("the upsert kept the job").isEqualTo(job.id());
    assertThat(s.scheduleTimes(job)).containsExactly(at("2026-03-01T00:00:25Z"), at("2026-03-01T00:01:25Z"));
  }

  @Test
  void aChangedCronExpressionOfAJobWithHistoryTakesEffectOnTheNextPass() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:05Z");
    JobDefinition job = s.save(TestJob.cron("changing", "*/10 * * * * ?"));
    s.pass();
    s.advanceAndPass(seconds(5)); // 00:00:10 runs
    s.advanceAndPass(seconds(5)); // 00:00:15, 00:00:20 planned

    s.save(TestJob.cron("changing", "0 * * * * ?"));
    s.advanceAndPass(seconds(5)); // 00:00:20
    s.advanceAndPass(seconds(30)); // 00:00:50
    s.advanceAndPass(seconds(10)); // 00:01:00

    assertThat(s.scheduleTimes(job)).containsExactly(at("2026-03-01T00:00:10Z"), at("2026-03-01T00:01:00Z"));
  }

  @Test
  void aJobWithABrokenStoredScheduleDoesNotStopTheOthers() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:05Z");
    // Bypasses the API's validation, as a row written by hand or by an older version would.
    JobDefinition broken = s.save(TestJob.cron("a-broken", "every ten seconds"));
    JobDefinition good = s.save(TestJob.cron("b-good", "*/10 * * * * ?"));

    s.passLikeTheServer();
    s.clock.advance(seconds(5));
    s.passLikeTheServer(); // 00:00:10

    assertThat(s.runs(broken)).isEmpty();
    assertThat(s.scheduleTimes(good)).containsExactly(at("2026-03-01T00:00:10Z"));
  }
}
