package dev.schedulerx.api;

import java.util.Objects;

/**
 * The result of one direct parent of a workflow node: the parent job's name and the result text its
 * instance ended with (empty if it returned none or was skipped).
 *
 * @param jobName the parent job's name, never null
 * @param result the parent instance's result, never null
 */
public record UpstreamResult(String jobName, String result) {
    /** Normalises absent values to the empty string. */
    public UpstreamResult {
        jobName = Objects.requireNonNullElse(jobName, "");
        result = Objects.requireNonNullElse(result, "");
    }
}
