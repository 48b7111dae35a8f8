package dev.schedulerx.api;

/**
 * Status of a job instance, with the numbers SchedulerX uses on the wire.
 *
 * <p>A processor normally only returns {@link #SUCCESS} or {@link #FAILED} inside a {@link ProcessResult}; the
 * other values describe the instance life cycle as the scheduler server tracks it.
 */
public enum InstanceStatus {
    /** Status not known. */
    UNKNOWN(0),
    /** Created, waiting for its schedule time or a free slot. */
    WAITING(1),
    /** Due and ready to be sent to a worker. */
    READY(2),
    /** Running on a worker. */
    RUNNING(3),
    /** Finished successfully. */
    SUCCESS(4),
    /** Finished with a failure. */
    FAILED(5),
    /** Stopped on request. */
    KILLED(6),
    /** Paused. */
    PAUSED(7),
    /** Sent to a worker, not yet acknowledged. */
    SUBMITTED(8),
    /** Refused by the worker. */
    REJECTED(9),
    /** Acknowledged by the worker. */
    ACCEPTED(10),
    /** Some tasks failed; a console status, not a final one. */
    PARTIAL_FAILED(11),
    /** Not run, for example because a previous run was still busy. */
    SKIPPED(12),
    /** Removed. */
    REMOVED(99);

    private final int value;

    InstanceStatus(int value) {
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
     * Tells whether an instance in this status has ended and will not change any more.
     *
     * @return true for SUCCESS, FAILED, KILLED, SKIPPED and REMOVED
     */
    public boolean isFinished() {
        return switch (this) {
            case SUCCESS, FAILED, KILLED, SKIPPED, REMOVED -> true;
            default -> false;
        };
    }

    /**
     * Returns the status with the given wire number.
     *
     * @param value the wire number
     * @return the matching status
     * @throws IllegalArgumentException if no status has this number
     */
    public static InstanceStatus fromValue(int value) {
        for (InstanceStatus status : values()) {
            if (status.value == value) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown instance status value: " + value);
    }
}
