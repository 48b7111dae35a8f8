package dev.schedulerx.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.schedulerx.api.ProcessResult;
import org.junit.jupiter.api.Test;

class HelloWorldTest {
    private final HelloWorld processor = new HelloWorld();

    @Test
    void greetsTheWorldWithoutParameters() throws Exception {
        assertThat(processor.process(new FakeJobContext())).isEqualTo(ProcessResult.success("hello world"));
    }

    @Test
    void instanceParametersWinOverJobParameters() throws Exception {
        assertThat(processor.process(new FakeJobContext().jobParameters("job")).result()).isEqualTo("hello job");
        assertThat(processor.process(new FakeJobContext().jobParameters("job").instanceParameters("run")).result())
                .isEqualTo("hello run");
    }

    @Test
    void failsWhenAskedTo() {
        assertThatIllegalStateException()
                .isThrownBy(() -> processor.process(new FakeJobContext().instanceParameters("fail")))
                .withMessage("HelloWorld was asked to fail");
    }

    @Test
    void nameIsTheSimpleClassName() {
        assertThat(processor.name()).isEqualTo("HelloWorld");
    }
}
