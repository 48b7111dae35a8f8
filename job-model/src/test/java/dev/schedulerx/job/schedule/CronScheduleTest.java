package dev.schedulerx.job.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final String NINE_AM = "0 0 9 * * ?";

  private static Optional<Instant> next(String cron, ZoneId zone, String after) {
    return Schedules.nextFireTime(TimeType.CRON, cron, zone, Instant.parse(after));
  }

  private static Optional<Instant> due(String cron, ZoneId zone, String last, String now) {
    return Schedules.nextDue(
        TimeType.CRON, cron, zone, last == null ? null : Instant.parse(last), Instant.parse(now));
  }

  @Test
  void nineAmIsReadInTheJobsZone() {
    assertThat(next(NINE_AM, UTC, "2026-03-01T00:00:00Z"))
        .contains(Instant.parse("2026-03-01T09:00:00Z"));
    // 09:00 in Shanghai (+08:00) is 01:00 UTC.
    assertThat(next(NINE_AM, SHANGHAI, "2026-03-01T00:00:00Z"))
        .contains(Instant.parse("2026-03-01T01:00:00Z"));
    // Already past 09:00 in Shanghai at 02:00 UTC, so the next one is tomorrow.
    assertThat(next(NINE_AM, SHANGHAI, "2026-03-01T02:00:00Z"))
        .contains(Instant.parse("2026-03-02T01:00:00Z"));
  }

  @Test
  void nextIsStrictlyAfter() {
    assertThat(next(NINE_AM, UTC, "2026-03-01T09:00:00Z"))
        .contains(Instant.parse("2026-03-02T09:00:00Z"));
    assertThat(next("0/5 * * * * ?", UTC, "2026-03-01T12:00:05Z"))
        .contains(Instant.parse("2026-03-01T12:00:10Z"));
  }

  @Test
  void subSecondInputsLandOnWholeSeconds() {
    assertThat(next("0/5 * * * * ?", UTC, "2026-03-01T12:00:04.500Z"))
        .contains(Instant.parse("2026-03-01T12:00:05Z"));
    assertThat(next("0/5 * * * * ?", UTC, "2026-03-01T12:00:05.001Z"))
        .contains(Instant.parse("2026-03-01T12:00:10Z"));
  }

  @Test
  void weekdaysAndYears() {
    // 2026-03-06 is a Friday; the next weekday 09:00 after Friday noon is Monday.
    assertThat(next("0 0 9 ? * MON-FRI", UTC, "2026-03-06T12:00:00Z"))
        .contains(Instant.parse("2026-03-09T09:00:00Z"));
    assertThat(next("0 0 0 1 1 ? 2020", UTC, "2026-03-01T00:00:00Z")).isEmpty();
  }

  @Test
  void newJobFiresAtTheNextSlotAfterNow() {
    assertThat(due(NINE_AM, SHANGHAI, null, "2026-03-01T00:30:00Z"))
        .contains(Instant.parse("2026-03-01T01:00:00Z"));
  }

  @Test
  void notMissedReturnsTheNextSlot() {
    assertThat(due(NINE_AM, UTC, "2026-03-01T09:00:00Z", "2026-03-01T10:00:00Z"))
        .contains(Instant.parse("2026-03-02T09:00:00Z"));
  }

  @Test
  void missedSlotsFireOnceAtTheLatestMissedSlot() {
    // Down from March 1st 09:00 until March 4th 10:00: March 2nd, 3rd and 4th were missed.
    Instant now = Instant.parse("2026-03-04T10:00:00Z");
    Optional<Instant> due = due(NINE_AM, UTC, "2026-03-01T09:00:00Z", now.toString());
    assertThat(due).contains(Instant.parse("2026-03-04T09:00:00Z"));

    // After that one run, nothing else is due until the next regular slot.
    assertThat(Schedules.nextDue(TimeType.CRON, NINE_AM, UTC, due.get(), now))
        .contains(Instant.parse("2026-03-05T09:00:00Z"));
  }

  @Test
  void missedSlotExactlyAtNowIsNow() {
    assertThat(due("0/5 * * * * ?", UTC, "2026-03-01T12:00:00Z", "2026-03-01T12:00:30Z"))
        .contains(Instant.parse("2026-03-01T12:00:30Z"));
    assertThat(due("0/5 * * * * ?", UTC, "2026-03-01T12:00:00Z", "2026-03-01T12:00:33.700Z"))
        .contains(Instant.parse("2026-03-01T12:00:30Z"));
  }

  @Test
  void catchUpIsReadInTheJobsZone() {
    // Last run March 1st 09:00 Shanghai; at 02:00 UTC on March 3rd the latest missed slot is 01:00
    // UTC.
    assertThat(due(NINE_AM, SHANGHAI, "2026-03-01T01:00:00Z", "2026-03-03T02:00:00Z"))
        .contains(Instant.parse("2026-03-03T01:00:00Z"));
    // The same instants in UTC: the latest missed 09:00 UTC slot is March 2nd.
    assertThat(due(NINE_AM, UTC, "2026-03-01T01:00:00Z", "2026-03-03T02:00:00Z"))
        .contains(Instant.parse("2026-03-02T09:00:00Z"));
  }

  @Test
  void expiredCronHasNothingDue() {
    assertThat(due("0 0 0 1 1 ? 2020", UTC, "2020-01-01T00:00:00Z", "2026-03-01T00:00:00Z"))
        .isEmpty();
  }
}
