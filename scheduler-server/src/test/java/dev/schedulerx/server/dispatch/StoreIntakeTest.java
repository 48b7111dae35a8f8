package dev.schedulerx.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreIntakeTest {
  private static final Duration LONG = Duration.ofMinutes(10);

  /** Drains run on the calling thread: what was stored is known when add or release returns. */
  private final List<List<Long>> stored = new ArrayList<>();
  private final StoreIntake<Long> intake = new StoreIntake<>(Runnable::run, 2, 256, id -> id, stored::add);

  @Test
  void itemsArrivingDuringAHoldAreStoredTogetherWhenTheLastHoldIsReleased() {
    intake.add(1L);
    assertThat(stored).containsExactly(List.of(1L));

    intake.hold(LONG);
    intake.hold(LONG); // a burst inside a burst
    intake.add(2L);
    intake.add(4L);
    intake.add(3L);
    intake.release();
    assertThat(stored).as("still held by the outer burst").containsExactly(List.of(1L));

    intake.release();
    assertThat(stored).containsExactlyInAnyOrder(List.of(1L), List.of(2L, 4L), List.of(3L)); // two lanes: by id
    intake.add(5L);
    assertThat(stored).last().isEqualTo(List.of(5L));
  }

  @Test
  void aHoldPastItsLimitNoLongerHolds() {
    intake.hold(Duration.ZERO); // a burst that outlasted its limit
    intake.add(1L);
    assertThat(stored).containsExactly(List.of(1L));
    intake.release();

    intake.hold(LONG); // the limit is the next hold's own
    intake.add(2L);
    assertThat(stored).containsExactly(List.of(1L));
    intake.release();
    assertThat(stored).containsExactly(List.of(1L), List.of(2L));
  }
}
