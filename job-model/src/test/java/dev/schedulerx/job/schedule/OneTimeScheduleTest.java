package dev.schedulerx.job.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class OneTimeScheduleTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final Instant AT = Instant.parse("2026-12-01T02:00:00Z"); // 10:00 in Shanghai

  private static Instant parse(String expression, ZoneId zone) {
    return Schedules.nextDue(TimeType.ONE_TIME, expression, zone, null, Instant.EPOCH)
        .orElseThrow();
  }

  @Test
  void localDateTimeIsReadInTheJobsZone() {
    assertThat(parse("2026-12-01T10:00:00", SHANGHAI)).isEqualTo(AT);
    assertThat(parse("2026-12-01T10:00:00", UTC)).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
    assertThat(parse("2026-12-01 10:00:00", SHANGHAI)).isEqualTo(AT);
  }

  @Test
  void offsetOrZuluIgnoresTheJobsZone() {
    assertThat(parse("2026-12-01T02:00:00Z", SHANGHAI)).isEqualTo(AT);
    assertThat(parse("2026-12-01T10:00:00+08:00", UTC)).isEqualTo(AT);
    assertThat(parse("2026-12-01T10:00+08:00[Asia/Shanghai]", UTC)).isEqualTo(AT);
  }

  @Test
  void epochMillis() {
    assertThat(parse(Long.toString(AT.toEpochMilli()), SHANGHAI)).isEqualTo(AT);
  }

  @Test
  void nextFireTimeOnlyBeforeTheInstant() {
    String expr = "2026-12-01T02:00:00Z";
    assertThat(Schedules.nextFireTime(TimeType.ONE_TIME, expr, UTC, AT.minusSeconds(1)))
        .contains(AT);
    assertThat(Schedules.nextFireTime(TimeType.ONE_TIME, expr, UTC, AT)).isEmpty();
    assertThat(Schedules.nextFireTime(TimeType.ONE_TIME, expr, UTC, AT.plusSeconds(1))).isEmpty();
  }

  @Test
  void notYetFiredFiresOnceEvenWhenLate() {
    String expr = "2026-12-01T02:00:00Z";
    Instant now = AT.plusSeconds(3600);
    assertThat(Schedules.nextDue(TimeType.ONE_TIME, expr, UTC, null, now)).contains(AT);
    assertThat(Schedules.nextDue(TimeType.ONE_TIME, expr, UTC, AT, now)).isEmpty();
  }

  @Test
  void movedToALaterInstantAfterFiringFiresAgain() {
    Instant later = AT.plusSeconds(86_400);
    assertThat(Schedules.nextDue(TimeType.ONE_TIME, later.toString(), UTC, AT, AT)).contains(later);
  }
}
