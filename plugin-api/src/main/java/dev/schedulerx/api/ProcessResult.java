package dev.schedulerx.api;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a processor returns for one task: a status and a short result text.
 *
 * <p>The result text travels to the scheduler server and is shown in its console, so it is kept short: a
 * result whose UTF-8 form is longer than {@value #MAX_RESULT_BYTES} bytes is shortened to its first 990
 * characters followed by {@code "..."}, as the official SchedulerX Java SDK does. The cut never splits a
 * surrogate pair (then 989 characters are kept), and text of at most 990 characters is never cut, so
 * multi-byte text may still exceed the byte limit.
 *
 * <p>Instances are immutable.
 */
public final class ProcessResult {
    /** Results whose UTF-8 form is longer than this many bytes are shortened. */
    public static final int MAX_RESULT_BYTES = 1000;

    private static final int KEPT_CHARS = 990;
    private static final String ELLIPSIS = "...";

    private final InstanceStatus status;
    private final String result;

    /**
     * Creates a result.
     *
     * @param status the outcome, usually {@link InstanceStatus#SUCCESS} or {@link InstanceStatus#FAILED}
     * @param result the result text; {@code null} becomes the empty string, long text is shortened
     * @throws NullPointerException if {@code status} is null
     */
    public ProcessResult(InstanceStatus status, String result) {
        this.status = Objects.requireNonNull(status, "status");
        this.result = shorten(result == null ? "" : result);
    }

    /**
     * Returns a successful result with an empty result text.
     *
     * @return a SUCCESS result
     */
    public static ProcessResult success() {
        return new ProcessResult(InstanceStatus.SUCCESS, "");
    }

    /**
     * Returns a successful result.
     *
     * @param result the result text; {@code null} becomes the empty string
     * @return a SUCCESS result
     */
    public static ProcessResult success(String result) {
        return new ProcessResult(InstanceStatus.SUCCESS, result);
    }

    /**
     * Returns a failed result.
     *
     * @param result why it failed; {@code null} becomes the empty string
     * @return a FAILED result
     */
    public static ProcessResult failure(String result) {
        return new ProcessResult(InstanceStatus.FAILED, result);
    }

    /**
     * Returns the status.
     *
     * @return the status, never null
     */
    public InstanceStatus status() {
        return status;
    }

    /**
     * Returns the result text.
     *
     * @return the (possibly shortened) result text, never null
     */
    public String result() {
        return result;
    }

    /**
     * Tells whether the status is {@link InstanceStatus#SUCCESS}.
     *
     * @return true for a successful result
     */
    public boolean isSuccess() {
        return status == InstanceStatus.SUCCESS;
    }

    private static String shorten(String text) {
        // Text of at most KEPT_CHARS chars is never cut: nothing would be removed, the ellipsis would only
        // make it longer.
        if (text.length() <= KEPT_CHARS || text.getBytes(StandardCharsets.UTF_8).length <= MAX_RESULT_BYTES) {
            return text;
        }
        int end = KEPT_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a surrogate pair
        }
        return text.substring(0, end) + ELLIPSIS;
    }

    /**
     * Two results are equal when status and result text are equal.
     *
     * @param other the object to compare with
     * @return true if equal
     */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        return other instanceof ProcessResult that && status == that.status && result.equals(that.result);
    }

    /**
     * Returns a hash code consistent with {@link #equals(Object)}.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return Objects.hash(status, result);
    }

    /**
     * Returns a text such as {@code ProcessResult[status=SUCCESS, result=hello world]}.
     *
     * @return a readable form
     */
    @Override
    public String toString() {
        return "ProcessResult[status=" + status + ", result=" + result + "]";
    }
}
