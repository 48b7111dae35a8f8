package dev.schedulerx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class TestBroadcastTest {
    private final TestBroadcast processor = new TestBroadcast();

    @RepeatedTest(20)
    void processReturnsADigit() {
        ProcessResult result = processor.process(new FakeJobContext());
        assertThat(result.isSuccess()).isTrue();
        assertThat(result.result()).matches("[0-9]");
    }

    @Test
    void postProcessSumsOnlySuccessfulTasks() {
        FakeJobContext context = new FakeJobContext()
                .taskOutcome(0, TaskStatus.SUCCESS, "3")
                .taskOutcome(1, TaskStatus.FAILED, "9")
                .taskOutcome(2, TaskStatus.SUCCESS, "4");
        assertThat(processor.postProcess(context)).isEqualTo(ProcessResult.success("7"));
    }

    @Test
    void postProcessWithoutTasksIsZero() {
        assertThat(processor.postProcess(new FakeJobContext())).isEqualTo(ProcessResult.success("0"));
    }
}
