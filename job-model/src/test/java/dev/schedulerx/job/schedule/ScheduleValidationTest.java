package dev.schedulerx.job.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScheduleValidationTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final String QUARTZ_HINT =
      ": expected Quartz syntax with seconds, e.g. \"0/5 * * * * ?\"";

  @ParameterizedTest
  @ValueSource(
      strings = {"0/5 * * * * ?", "0 0 9 * * ?", "0 0 9 ? * MON-FRI", "0 15 10 L * ? 2030"})
  void validCronPasses(String expression) {
    assertThatCode(() -> Schedules.validate(TimeType.CRON, expression, UTC))
        .doesNotThrowAnyException();
  }

  @Test
  void cronWithTooFewFieldsNamesTheProblemAndTheExpectedSyntax() {
    assertThatThrownBy(() -> Schedules.validate(TimeType.CRON, "0 * * *", UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cron expression \"0 * * *\" is invalid"
                + " (Cron expression contains 4 parts but we expect one of [6, 7])"
                + QUARTZ_HINT);
  }

  @Test
  void cronWithBothDayFieldsSuggestsTheQuestionMark() {
    assertThatThrownBy(() -> Schedules.validate(TimeType.CRON, "0 0 9 * * *", UTC))
        .hasMessage(
            "cron expression \"0 0 9 * * *\" is invalid"
                + " (day-of-month and day-of-week cannot both be set; use '?' in one of them)"
                + QUARTZ_HINT);
  }

  @Test
  void cronOutOfRangeAndEmpty() {
    assertThatThrownBy(() -> Schedules.validate(TimeType.CRON, "0 60 * * * ?", UTC))
        .hasMessage(
            "cron expression \"0 60 * * * ?\" is invalid (Value 60 not in range [0, 59])"
                + QUARTZ_HINT);
    assertThatThrownBy(() -> Schedules.validate(TimeType.CRON, "  ", UTC))
        .hasMessage("cron expression is empty" + QUARTZ_HINT);
    assertThatThrownBy(() -> Schedules.validate(TimeType.CRON, null, UTC))
        .hasMessage("cron expression is empty" + QUARTZ_HINT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-5", "1.5", "abc", "", "99999999999"})
  void fixedRateNeedsPositiveWholeSeconds(String expression) {
    assertThatThrownBy(() -> Schedules.validate(TimeType.FIXED_RATE, expression, UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "fixed_rate expression \""
                + expression
                + "\" is invalid: expected a positive whole number of seconds (at most 2147483647),"
                + " e.g. \"30\"");
  }

  @Test
  void secondDelayNeedsPositiveWholeSeconds() {
    assertThatThrownBy(() -> Schedules.validate(TimeType.SECOND_DELAY, "10s", UTC))
        .hasMessageStartingWith(
            "second_delay expression \"10s\" is invalid: expected a positive whole number");
    assertThatCode(() -> Schedules.validate(TimeType.SECOND_DELAY, " 10 ", UTC))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tomorrow", "2026-13-01T10:00:00", "2026-12-01", "10:00", "1.5e12"})
  void oneTimeNeedsDateTimeOrEpochMillis(String expression) {
    assertThatThrownBy(() -> Schedules.validate(TimeType.ONE_TIME, expression, UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "one_time expression \""
                + expression
                + "\" is invalid: expected an ISO-8601 date-time such as \"2026-12-01T10:00:00\""
                + " (in the job's time zone) or \"2026-12-01T10:00:00Z\", or epoch milliseconds");
  }

  @Test
  void apiIgnoresTheExpression() {
    assertThatCode(() -> Schedules.validate(TimeType.API, null, UTC)).doesNotThrowAnyException();
    assertThatCode(() -> Schedules.validate(TimeType.API, "", UTC)).doesNotThrowAnyException();
    assertThatCode(() -> Schedules.validate(TimeType.API, "anything", UTC))
        .doesNotThrowAnyException();
  }

  @Test
  void messagesAreOneLine() {
    assertThatThrownBy(() -> Schedules.validate(TimeType.CRON, "0 0 9 1 * MON", UTC))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void delayOfFixedRateAndSecondDelayOnly() {
    assertThat(Schedules.delayOf(TimeType.FIXED_RATE, "30")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Schedules.delayOf(TimeType.SECOND_DELAY, "5")).isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(() -> Schedules.delayOf(TimeType.CRON, "0 0 9 * * ?"))
        .hasMessage("a delay exists only for fixed_rate and second_delay, not for cron");
  }

  @Test
  void zoneOfFallsBackToTheServerZone() {
    ZoneId server = ZoneId.of("Europe/Berlin");
    assertThat(Schedules.zoneOf(null, server)).isEqualTo(server);
    assertThat(Schedules.zoneOf(" ", server)).isEqualTo(server);
    assertThat(Schedules.zoneOf("Asia/Shanghai", server)).isEqualTo(ZoneId.of("Asia/Shanghai"));
    assertThatThrownBy(() -> Schedules.zoneOf("Mars/Olympus", server))
        .hasMessage(
            "time zone \"Mars/Olympus\" is invalid: expected a zone id such as \"Asia/Shanghai\","
                + " \"UTC\" or \"+08:00\"");
  }

  private static final java.time.Instant NOW = java.time.Instant.parse("2026-12-02T18:00:00.250Z");

  @ParameterizedTest
  @ValueSource(strings = {"0 0 0 31 2 ?", "0 0 0 30 2 ?", "0 0 12 31 4,6,9,11 ?", "0 0 0 1 1 ? 2020"})
  void aCronThatNeverFiresIsRefusedWithItsReason(String expression) {
    assertThatThrownBy(() -> Schedules.validate(TimeType.CRON, expression, UTC, NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cron expression \"" + expression + "\" never fires: no second after 2026-12-02T18:00:00Z matches it"
            + " (e.g. day 31 of February, or a year that has passed); check its day-of-month, month, day-of-week and year fields");
  }

  @Test
  void aRareCronIsNotANeverFiringOne() {
    assertThatCode(() -> Schedules.validate(TimeType.CRON, "0 0 0 29 2 ?", UTC, NOW)).doesNotThrowAnyException();
  }

  @Test
  void thePreviewListsTheFireTimesANewJobWouldHave() {
    assertThat(Schedules.preview(TimeType.CRON, "0 0 9 ? * MON-FRI", UTC, NOW, 3)).containsExactly(
        java.time.Instant.parse("2026-12-03T09:00:00Z"), java.time.Instant.parse("2026-12-04T09:00:00Z"),
        java.time.Instant.parse("2026-12-07T09:00:00Z"));
    assertThat(Schedules.preview(TimeType.CRON, "0 0 0 29 2 ?", ZoneId.of("Asia/Shanghai"), NOW, 2)).containsExactly(
        java.time.Instant.parse("2028-02-28T16:00:00Z"), java.time.Instant.parse("2032-02-28T16:00:00Z"));
    // fixed_rate: first one period after creation, never at once
    assertThat(Schedules.preview(TimeType.FIXED_RATE, "30", UTC, NOW, 2)).containsExactly(
        NOW.plusSeconds(30), NOW.plusSeconds(60));
    // one_time: its instant, once, even when already past
    assertThat(Schedules.preview(TimeType.ONE_TIME, "2026-01-01T00:00:00Z", UTC, NOW, 5)).containsExactly(
        java.time.Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(Schedules.preview(TimeType.API, "", UTC, NOW, 5)).isEmpty();
    assertThat(Schedules.preview(TimeType.SECOND_DELAY, "10", UTC, NOW, 5)).isEmpty();
  }

  @Test
  void thePreviewOfABadScheduleIsItsValidationError() {
    assertThatThrownBy(() -> Schedules.preview(TimeType.CRON, "0 0 0 31 2 ?", UTC, NOW, 5))
        .hasMessageStartingWith("cron expression \"0 0 0 31 2 ?\" never fires");
    assertThatThrownBy(() -> Schedules.preview(TimeType.FIXED_RATE, "0", UTC, NOW, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
