package dev.schedulerx.job.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FixedRateScheduleTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void nextIsAfterPlusThePeriod() {
    assertThat(Schedules.nextFireTime(TimeType.FIXED_RATE, "30", UTC, T0))
        .contains(T0.plusSeconds(30));
  }

  @Test
  void newJobFiresOnePeriodAfterNow() {
    assertThat(Schedules.nextDue(TimeType.FIXED_RATE, "30", UTC, null, T0))
        .contains(T0.plusSeconds(30));
  }

  @Test
  void notMissedKeepsTheGrid() {
    assertThat(Schedules.nextDue(TimeType.FIXED_RATE, "30", UTC, T0, T0.plusSeconds(10)))
        .contains(T0.plusSeconds(30));
    assertThat(Schedules.nextDue(TimeType.FIXED_RATE, "30", UTC, T0, T0.plusSeconds(30)))
        .contains(T0.plusSeconds(30));
  }

  @Test
  void missedSlotsFireOnceAtTheLatestMissedSlotOnTheGrid() {
    Instant now = T0.plusSeconds(95); // slots +30, +60, +90 missed
    Instant due = Schedules.nextDue(TimeType.FIXED_RATE, "30", UTC, T0, now).orElseThrow();
    assertThat(due).isEqualTo(T0.plusSeconds(90));
    assertThat(Schedules.nextDue(TimeType.FIXED_RATE, "30", UTC, due, now))
        .contains(T0.plusSeconds(120));
  }

  @Test
  void zoneDoesNotMatter() {
    assertThat(Schedules.nextFireTime(TimeType.FIXED_RATE, "60", ZoneId.of("Asia/Shanghai"), T0))
        .contains(T0.plusSeconds(60));
  }
}
