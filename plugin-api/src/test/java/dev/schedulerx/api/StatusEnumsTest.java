package dev.schedulerx.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class StatusEnumsTest {

    @Test
    void instanceStatusRoundTripsThroughItsValue() {
        for (InstanceStatus status : InstanceStatus.values()) {
            assertThat(InstanceStatus.fromValue(status.value())).isSameAs(status);
        }
    }

    @Test
    void instanceStatusNumbersMatchSchedulerX() {
        assertThat(InstanceStatus.UNKNOWN.value()).isZero();
        assertThat(InstanceStatus.RUNNING.value()).isEqualTo(3);
        assertThat(InstanceStatus.SUCCESS.value()).isEqualTo(4);
        assertThat(InstanceStatus.FAILED.value()).isEqualTo(5);
        assertThat(InstanceStatus.KILLED.value()).isEqualTo(6);
        assertThat(InstanceStatus.PARTIAL_FAILED.value()).isEqualTo(11);
        assertThat(InstanceStatus.SKIPPED.value()).isEqualTo(12);
        assertThat(InstanceStatus.REMOVED.value()).isEqualTo(99);
    }

    @Test
    void finishedInstanceStatuses() {
        EnumSet<InstanceStatus> finished = EnumSet.noneOf(InstanceStatus.class);
        for (InstanceStatus status : InstanceStatus.values()) {
            if (status.isFinished()) {
                finished.add(status);
            }
        }
        assertThat(finished)
                .containsExactlyInAnyOrder(
                        InstanceStatus.SUCCESS,
                        InstanceStatus.FAILED,
                        InstanceStatus.KILLED,
                        InstanceStatus.SKIPPED,
                        InstanceStatus.REMOVED);
    }

    @Test
    void unknownInstanceStatusValueIsNamed() {
        assertThatIllegalArgumentException().isThrownBy(() -> InstanceStatus.fromValue(13)).withMessageContaining("13");
        assertThatIllegalArgumentException().isThrownBy(() -> InstanceStatus.fromValue(-1)).withMessageContaining("-1");
    }

    @Test
    void taskStatusRoundTripsThroughItsValue() {
        for (TaskStatus status : TaskStatus.values()) {
            assertThat(TaskStatus.fromValue(status.value())).isSameAs(status);
        }
        assertThat(TaskStatus.values()).extracting(TaskStatus::value).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void finishedTaskStatuses() {
        assertThat(EnumSet.allOf(TaskStatus.class).stream().filter(TaskStatus::isFinished))
                .containsExactlyInAnyOrder(TaskStatus.SUCCESS, TaskStatus.FAILED);
    }

    @Test
    void unknownTaskStatusValueIsNamed() {
        assertThatIllegalArgumentException().isThrownBy(() -> TaskStatus.fromValue(6)).withMessageContaining("6");
    }
}
