package dev.schedulerx.job.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CompletionDrivenScheduleTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void secondDelayHasNoTimeDrivenRunsButADelay() {
    Schedule schedule = Schedules.parse(TimeType.SECOND_DELAY, "15", ZoneOffset.UTC);
    assertThat(schedule.type()).isEqualTo(TimeType.SECOND_DELAY);
    assertThat(schedule.nextFireTime(NOW)).isEmpty();
    assertThat(schedule.nextDue(null, NOW)).isEmpty();
    assertThat(schedule.nextDue(NOW.minusSeconds(60), NOW)).isEmpty();
    assertThat(Schedules.delayOf(TimeType.SECOND_DELAY, "15")).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void apiNeverFiresByItself() {
    Schedule schedule = Schedules.parse(TimeType.API, "", ZoneOffset.UTC);
    assertThat(schedule.type()).isEqualTo(TimeType.API);
    assertThat(schedule.nextFireTime(NOW)).isEmpty();
    assertThat(schedule.nextDue(null, NOW)).isEmpty();
  }
}
