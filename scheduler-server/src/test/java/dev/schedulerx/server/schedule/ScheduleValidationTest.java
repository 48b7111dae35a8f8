package dev.schedulerx.server.schedule;

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
}
