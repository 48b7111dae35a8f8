package dev.schedulerx.api;

/**
 * A Map processor with a final {@link #reduce} step, which runs once on the master after every task has
 * finished.
 */
public interface MapReduceJobProcessor extends MapJobProcessor {
    /**
     * Combines the results of all tasks. The context's {@link JobContext#taskResults()} and
     * {@link JobContext#taskStatuses()} hold every task's outcome, keyed by task id (the root task included).
     *
     * @param context the instance with all task results
     * @return the instance outcome; a FAILED result fails the instance, a SUCCESS result cannot rescue an
     *     instance whose tasks failed
     * @throws Exception any failure, which fails the instance
     */
    ProcessResult reduce(JobContext context) throws Exception;

    /**
     * Tells whether {@link #reduce} runs when some task failed. The default is true.
     *
     * @param context the instance
     * @return true to run reduce even after a task failure
     */
    default boolean runReduceIfFail(JobContext context) {
        return true;
    }
}
