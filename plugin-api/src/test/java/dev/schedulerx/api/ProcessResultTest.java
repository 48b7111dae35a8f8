package dev.schedulerx.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcessResultTest {

    @Test
    void factoriesSetStatusAndResult() {
        assertThat(ProcessResult.success()).isEqualTo(new ProcessResult(InstanceStatus.SUCCESS, ""));
        assertThat(ProcessResult.success("ok").result()).isEqualTo("ok");
        assertThat(ProcessResult.success("ok").isSuccess()).isTrue();
        ProcessResult failure = ProcessResult.failure("boom");
        assertThat(failure.status()).isEqualTo(InstanceStatus.FAILED);
        assertThat(failure.result()).isEqualTo("boom");
        assertThat(failure.isSuccess()).isFalse();
    }

    @Test
    void nullResultBecomesEmptyAndNullStatusIsRejected() {
        assertThat(new ProcessResult(InstanceStatus.SUCCESS, null).result()).isEmpty();
        assertThat(ProcessResult.failure(null).result()).isEmpty();
        assertThatNullPointerException()
                .isThrownBy(() -> new ProcessResult(null, "x"))
                .withMessageContaining("status");
    }

    @Test
    void asciiResultAtTheLimitIsKept() {
        String text = "a".repeat(ProcessResult.MAX_RESULT_BYTES);
        assertThat(ProcessResult.success(text).result()).isEqualTo(text);
    }

    @Test
    void asciiResultOverTheLimitIsShortenedTo990CharsPlusEllipsis() {
        String text = "b".repeat(ProcessResult.MAX_RESULT_BYTES + 1);
        String result = ProcessResult.success(text).result();
        assertThat(result).hasSize(993).startsWith("b".repeat(990)).endsWith("...");
        assertThat(result.substring(0, 990)).isEqualTo(text.substring(0, 990));
    }

    @Test
    void multiByteResultIsMeasuredInUtf8Bytes() {
        // 334 three-byte chars = 1002 bytes but only 334 chars: nothing to cut at 990 chars, kept as is
        String fewChars = "中".repeat(334);
        assertThat(ProcessResult.success(fewChars).result()).isEqualTo(fewChars);
        // 991 chars but only 993 bytes: under the byte limit, kept
        String mixed = "é".repeat(2) + "a".repeat(989);
        assertThat(ProcessResult.success(mixed).result()).isEqualTo(mixed);
        // 333 chars = 999 bytes: kept as is
        assertThat(ProcessResult.success("中".repeat(333)).result()).isEqualTo("中".repeat(333));
        // 1000 chars = 3000 bytes: first 990 chars (2970 bytes) + "...", still above the byte limit
        String result = ProcessResult.failure("中".repeat(1000)).result();
        assertThat(result).isEqualTo("中".repeat(990) + "...");
        assertThat(result.getBytes(StandardCharsets.UTF_8)).hasSize(2973);
    }

    @Test
    void shorteningNeverSplitsASurrogatePair() {
        String emoji = "\uD83D\uDE00"; // one code point, two chars, four UTF-8 bytes
        String text = "x" + emoji.repeat(600);
        String result = ProcessResult.success(text).result();
        assertThat(result).endsWith(emoji + "...").hasSize(989 + 3);
    }

    @Test
    void equalsHashCodeAndToString() {
        assertThat(ProcessResult.success("a")).isEqualTo(ProcessResult.success("a"));
        assertThat(ProcessResult.success("a")).hasSameHashCodeAs(ProcessResult.success("a"));
        assertThat(ProcessResult.success("a")).isNotEqualTo(ProcessResult.failure("a"));
        assertThat(ProcessResult.success("a")).isNotEqualTo(ProcessResult.success("b"));
        assertThat(ProcessResult.failure("x")).hasToString("ProcessResult[status=FAILED, result=x]");
    }
}
