package dev.schedulerx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.api.ProcessResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestMapJobTest {
    private final TestMapJob processor = new TestMapJob();

    @Test
    void rootMapsTheRequestedIdsUnderLevel1Dispatch() throws Exception {
        FakeJobContext context = FakeJobContext.root().jobParameters("3");
        assertThat(processor.process(context).isSuccess()).isTrue();
        assertThat(context.mapCalls)
                .containsExactly(new FakeJobContext.MapCall(List.of("id_1", "id_2", "id_3"), "Level1Dispatch"));
    }

    @Test
    void rootMapsAHundredIdsByDefaultAndInstanceParametersWin() throws Exception {
        FakeJobContext byDefault = FakeJobContext.root();
        processor.process(byDefault);
        assertThat(byDefault.mapCalls.get(0).tasks()).hasSize(100).endsWith("id_100");

        FakeJobContext overridden = FakeJobContext.root().jobParameters("7").instanceParameters("2");
        processor.process(overridden);
        assertThat(overridden.mapCalls.get(0).tasks()).containsExactly("id_1", "id_2");
    }

    @Test
    void badCountIsAFailedResultNamingTheParameter() throws Exception {
        for (String bad : List.of("many", "-1", "0")) {
            FakeJobContext context = FakeJobContext.root().jobParameters(bad);
            ProcessResult result = processor.process(context);
            assertThat(result.status()).isEqualTo(InstanceStatus.FAILED);
            assertThat(result.result()).contains(bad);
            assertThat(context.mapCalls).isEmpty();
        }
    }

    @Test
    void subTaskEchoesItsIdAndId5Fails() throws Exception {
        assertThat(processor.process(new FakeJobContext().taskName("Level1Dispatch").task(1, "id_1")))
                .isEqualTo(ProcessResult.success("id_1"));
        assertThat(processor.process(new FakeJobContext().taskName("Level1Dispatch").task(5, "id_5")))
                .isEqualTo(ProcessResult.failure("id_5"));
    }

    @Test
    void unknownTaskNameFails() throws Exception {
        ProcessResult result = processor.process(new FakeJobContext().taskName("Other").task(1, "id_1"));
        assertThat(result.status()).isEqualTo(InstanceStatus.FAILED);
        assertThat(result.result()).contains("Other");
    }
}
