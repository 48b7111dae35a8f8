package dev.schedulerx.job.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TimeTypeTest {

  @Test
  void wireNumbersAndKeys() {
    assertThat(TimeType.CRON.value()).isEqualTo(1);
    assertThat(TimeType.FIXED_RATE.value()).isEqualTo(3);
    assertThat(TimeType.SECOND_DELAY.value()).isEqualTo(4);
    assertThat(TimeType.ONE_TIME.value()).isEqualTo(5);
    assertThat(TimeType.API.value()).isEqualTo(100);
    assertThat(TimeType.SECOND_DELAY.key()).isEqualTo("second_delay");
  }

  @Test
  void fromKeyIsCaseInsensitiveAndAcceptsDashes() {
    assertThat(TimeType.fromKey("CRON")).isEqualTo(TimeType.CRON);
    assertThat(TimeType.fromKey("Fixed-Rate")).isEqualTo(TimeType.FIXED_RATE);
    assertThat(TimeType.fromKey(" second_delay ")).isEqualTo(TimeType.SECOND_DELAY);
    assertThat(TimeType.fromKey("one-time")).isEqualTo(TimeType.ONE_TIME);
    assertThat(TimeType.fromKey("api")).isEqualTo(TimeType.API);
  }

  @Test
  void unknownKeyListsTheValidOnes() {
    assertThatThrownBy(() -> TimeType.fromKey("hourly"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown time type \"hourly\": expected one of cron, fixed_rate, second_delay,"
                + " one_time, api");
    assertThatThrownBy(() -> TimeType.fromKey(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fromValue() {
    for (TimeType type : TimeType.values()) {
      assertThat(TimeType.fromValue(type.value())).isEqualTo(type);
    }
    assertThatThrownBy(() -> TimeType.fromValue(2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "unknown time type value 2: expected one of 1 (cron), 3 (fixed_rate)");
  }
}
