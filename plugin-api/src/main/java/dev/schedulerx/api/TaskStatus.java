package dev.schedulerx.api;

/**
 * Status of one task of a job instance, with the numbers SchedulerX uses on the wire.
 *
 * <p>Reduce and broadcast {@code postProcess} see these in {@link JobContext#taskStatuses()}.
 */
public enum TaskStatus {
    /** Status not known. */
    UNKNOWN(0),
    /** Created, not yet dispatched. */
    INIT(1),
    /** Taken by a worker, not yet started. */
    PULLED(2),
    /** Running. */
    RUNNING(3),
    /** Finished successfully. */
    SUCCESS(4),
    /** Finished with a failure. */
    FAILED(5);

    private final int value;

    TaskStatus(int value) {
        this.value = value;
    }

    /**
     * Returns the number SchedulerX uses for this status.
     *
     * @return the wire number
     */
    public int value() {
        return value;
    }

    /**
     * Tells whether a task in this status has ended.
     *
     * @return true for SUCCESS and FAILED
     */
    public boolean isFinished() {
        return this == SUCCESS || this == FAILED;
    }

    /**
     * Returns the status with the given wire number.
     *
     * @param value the wire number
     * @return the matching status
     * @throws IllegalArgumentException if no status has this number
     */
    public static TaskStatus fromValue(int value) {
        for (TaskStatus status : values()) {
            if (status.value == value) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown task status value: " + value);
    }
}
