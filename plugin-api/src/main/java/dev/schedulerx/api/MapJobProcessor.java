package dev.schedulerx.api;

import java.util.List;

/**
 * A processor for Map jobs (execute modes grid, batch and parallel). {@link #process} first runs for the
 * root task, which splits the work with {@link #map}; it then runs once for every sub-task, anywhere in the
 * group. Sub-tasks may map again under another task name.
 *
 * <p>The two default methods mirror the Go SDK's {@code IsRootTask} and {@code Map} so ported code reads the
 * same; they only delegate to the context.
 */
public interface MapJobProcessor extends JobProcessor {
    /**
     * Tells whether the context belongs to the root task.
     *
     * @param context the current task
     * @return {@code context.isRootTask()}
     */
    default boolean isRootTask(JobContext context) {
        return context.isRootTask();
    }

    /**
     * Creates sub-tasks; see {@link JobContext#map(List, String)}.
     *
     * @param context the current task
     * @param tasks the sub-task bodies, not empty
     * @param taskName the name the sub-tasks see in {@link JobContext#taskName()}
     * @return a SUCCESS result once every sub-task was accepted, a FAILED one otherwise
     */
    default ProcessResult map(JobContext context, List<?> tasks, String taskName) {
        return context.map(tasks, taskName);
    }
}
