package dev.schedulerx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestMapReduceJobTest {
    private final TestMapReduceJob processor = new TestMapReduceJob();

    @Test
    void rootMapsOrdersUnderOrderInfo() {
        FakeJobContext context = FakeJobContext.root().jobParameters("2");
        assertThat(processor.process(context).isSuccess()).isTrue();
        assertThat(context.mapCalls)
                .containsExactly(new FakeJobContext.MapCall(
                        List.of(new OrderInfo("id_1", 1), new OrderInfo("id_2", 2)), "OrderInfo"));
    }

    @Test
    void rootMapsAThousandOrdersByDefault() {
        FakeJobContext context = FakeJobContext.root();
        processor.process(context);
        assertThat(context.mapCalls.get(0).tasks()).hasSize(1000).endsWith(new OrderInfo("id_1000", 1000));
    }

    @Test
    void badCountIsAFailedResult() {
        ProcessResult result = processor.process(FakeJobContext.root().instanceParameters("lots"));
        assertThat(result.status()).isEqualTo(InstanceStatus.FAILED);
        assertThat(result.result()).contains("lots");
    }

    @Test
    void orderTaskReturnsItsValue() {
        FakeJobContext context = new FakeJobContext().taskName("OrderInfo").task(42, new OrderInfo("id_42", 42));
        assertThat(processor.process(context)).isEqualTo(ProcessResult.success("42"));
    }

    @Test
    void reduceOverOneToThousandIs500500() {
        FakeJobContext context = new FakeJobContext().taskOutcome(0, TaskStatus.SUCCESS, "");
        for (long i = 1; i <= 1000; i++) {
            context.taskOutcome(i, TaskStatus.SUCCESS, Long.toString(i));
        }
        assertThat(processor.reduce(context)).isEqualTo(ProcessResult.success("500500"));
    }

    @Test
    void reduceSkipsTheRootAndFailedTasks() {
        FakeJobContext context = new FakeJobContext()
                .taskOutcome(0, TaskStatus.SUCCESS, "1000")
                .taskOutcome(1, TaskStatus.SUCCESS, "1")
                .taskOutcome(2, TaskStatus.FAILED, "2")
                .taskOutcome(3, TaskStatus.SUCCESS, "3");
        assertThat(processor.reduce(context)).isEqualTo(ProcessResult.success("4"));
    }

    @Test
    void reduceRunsEvenAfterFailures() {
        assertThat(processor.runReduceIfFail(new FakeJobContext())).isTrue();
    }
}
