package dev.schedulerx.api;

/**
 * A processor for broadcast jobs: {@link #process} runs once on every worker of the instance, framed by
 * {@link #preProcess} and {@link #postProcess}, which run once each on the master worker.
 */
public interface BroadcastProcessor extends JobProcessor {
    /**
     * Runs once on the master before any worker runs {@link #process}. The default does nothing.
     *
     * @param context the instance; {@link JobContext#taskResults()} is empty here
     * @throws Exception any failure, which fails the instance
     */
    default void preProcess(JobContext context) throws Exception {}

    /**
     * Runs once on the master after every worker finished {@link #process}. The context's
     * {@link JobContext#taskResults()} and {@link JobContext#taskStatuses()} hold each worker's outcome, keyed
     * by the per-worker task id. The default returns null.
     *
     * @param context the instance with the workers' results
     * @return null to keep the outcome of the workers, a FAILED result to fail the instance, or a SUCCESS
     *     result whose text replaces the instance result
     * @throws Exception any failure
     */
    default ProcessResult postProcess(JobContext context) throws Exception {
        return null;
    }
}
