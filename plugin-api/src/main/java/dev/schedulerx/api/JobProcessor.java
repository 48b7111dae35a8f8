package dev.schedulerx.api;

/**
 * A processor: the user code a job runs. This is the interface for standalone jobs and the base of the other
 * processor kinds ({@link BroadcastProcessor}, {@link MapJobProcessor}, {@link MapReduceJobProcessor}).
 *
 * <p>The daemon finds processors with {@link java.util.ServiceLoader}: list the implementation classes in
 * {@code META-INF/services/dev.schedulerx.api.JobProcessor} inside the plugin JAR. Each class needs a public
 * no-argument constructor. One instance serves every task of every job that names it, possibly on several
 * threads at once, so implementations must be thread-safe.
 */
public interface JobProcessor {
    /**
     * Runs one task.
     *
     * @param context the task and its job
     * @return the outcome; must not be null
     * @throws Exception any failure, which the daemon reports as a FAILED task with the exception's message
     */
    ProcessResult process(JobContext context) throws Exception;

    /**
     * Called when the instance is killed, on another thread than the one running {@link #process}. The
     * default does nothing; override it to stop long work (for example by setting a flag that
     * {@code process} checks).
     *
     * @param context the killed task and its job
     */
    default void kill(JobContext context) {}

    /**
     * Returns the short name a job can use to refer to this processor; a job may also use the fully
     * qualified class name. The default is the class's simple name.
     *
     * @return the processor name, unique among all loaded plugins
     */
    default String name() {
        return getClass().getSimpleName();
    }
}
