package dev.schedulerx.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.TriggerType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Back-fill (SchedulerX's rerun): one queued run per past schedule time, oldest first, within max concurrency. */
class BackfillTest {
  private SchedulingFixture server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void queuesOneRerunPerScheduleTimeOldestFirstAndStartsOnlyAsManyAsMaxConcurrencyAllows() {
    server = new SchedulingFixture(MutableClock.at("2026-03-02T00:00:00Z"));
    server.registerSilentWorker("w1"); // takes nothing: a started run stays active for the whole test
    JobDefinition job = server.save(TestJob.cron("hourly", "0 0 * * * ?").maxConcurrency(1));
    Backfill backfill = new Backfill(server.lifecycle, 100);

    List<JobInstance> created = backfill.run(job, Instant.parse("2026-03-01T10:00:00Z"),
        Instant.parse("2026-03-01T13:00:00Z"), "day=2026-03-01");

    assertThat(created).extracting(JobInstance::scheduleTime).containsExactly(
        Instant.parse("2026-03-01T10:00:00Z"), Instant.parse("2026-03-01T11:00:00Z"),
        Instant.parse("2026-03-01T12:00:00Z"), Instant.parse("2026-03-01T13:00:00Z"));
    List<JobInstance> runs = server.runs(job);
    assertThat(runs).extracting(JobInstance::triggerType).containsOnly(TriggerType.RERUN);
    assertThat(runs).extracting(JobInstance::instanceParameters).containsOnly("day=2026-03-01");
    // max concurrency 1: the oldest left the queue, the other three wait for it
    assertThat(runs.get(0).queued()).isFalse();
    assertThat(runs.subList(1, 4)).allMatch(JobInstance::queued);
  }

  @Test
  void aSlotThatRanBeforeGetsItsNextAttempt() {
    server = new SchedulingFixture(MutableClock.at("2026-03-02T00:00:00Z"));
    JobDefinition job = server.save(TestJob.cron("daily", "0 0 3 * * ?"));
    Instant slot = Instant.parse("2026-03-01T03:00:00Z");
    server.lifecycle.createScheduled(job, slot, TriggerType.SCHEDULE, 0, "");

    List<JobInstance> created = new Backfill(server.lifecycle, 100).run(job, slot, slot, "");

    assertThat(created).singleElement().satisfies(run -> {
      assertThat(run.scheduleTime()).isEqualTo(slot);
      assertThat(run.attempt()).isEqualTo(1);
    });
  }

  @Test
  void aRangeWithMoreRunsThanAllowedOrNoneIsRefusedAndCreatesNothing() {
    server = new SchedulingFixture(MutableClock.at("2026-03-02T00:00:00Z"));
    JobDefinition job = server.save(TestJob.cron("minutely", "0 * * * * ?"));
    Backfill backfill = new Backfill(server.lifecycle, 10);

    assertThatThrownBy(() -> backfill.run(job, Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-01T01:00:00Z"), ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("more than 10 schedule times of job minutely (rerun-max-runs)");
    JobDefinition api = server.save(TestJob.api("on-demand"));
    assertThatThrownBy(() -> backfill.run(api, Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-01T01:00:00Z"), ""))
        .hasMessageContaining("has no schedule time between");
    assertThatThrownBy(() -> backfill.run(job, Instant.parse("2026-03-01T01:00:00Z"), Instant.parse("2026-03-01T00:00:00Z"), ""))
        .hasMessageContaining("is before startDate");
    assertThat(server.runs(job)).isEmpty();
  }
}
