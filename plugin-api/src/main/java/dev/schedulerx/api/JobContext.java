package dev.schedulerx.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a processor learns about the task it runs, plus the {@link #map(List, String)} operation of
 * Map and MapReduce jobs.
 *
 * <p>The daemon implements this interface and passes a fresh instance to every processor call; processors
 * never implement it (except as a test double). Text accessors return the empty string, never null, when a
 * value is absent; collection accessors return empty, unmodifiable collections.
 */
public interface JobContext {
    /** Name of the first task of a Map or MapReduce instance. */
    String ROOT_TASK_NAME = "MAP_TASK_ROOT";

    /** Name under which the reduce step of a MapReduce instance is reported. */
    String REDUCE_TASK_NAME = "REDUCE_TASK";

    /**
     * Returns the id of the job.
     *
     * @return the job id
     */
    long jobId();

    /**
     * Returns the id of this run of the job.
     *
     * @return the job instance id
     */
    long jobInstanceId();

    /**
     * Returns the id of the task within the instance (0 for a standalone task and for the Map root).
     *
     * @return the task id
     */
    long taskId();

    /**
     * Returns the job's name as configured on the server.
     *
     * @return the job name, empty if unknown
     */
    String jobName();

    /**
     * Returns the execute mode of the job, such as {@code standalone}, {@code broadcast}, {@code grid},
     * {@code batch}, {@code parallel} or {@code sharding}.
     *
     * @return the execute mode
     */
    String executeMode();

    /**
     * Returns the parameters stored with the job.
     *
     * @return the job parameters, empty if none
     */
    String jobParameters();

    /**
     * Returns the parameters given for this run only (for example by an API trigger).
     *
     * @return the instance parameters, empty if none
     */
    String instanceParameters();

    /**
     * Returns the task's name: empty for standalone and broadcast tasks, {@link #ROOT_TASK_NAME} for the Map
     * root, and the name given to {@link #map(List, String)} for sub-tasks.
     *
     * @return the task name
     */
    String taskName();

    /**
     * Returns the raw task body, as produced by {@link #map(List, String)}.
     *
     * @return the body bytes, an empty array if the task has none
     */
    byte[] taskBody();

    /**
     * Decodes the task body from JSON into the given type, with the daemon's JSON codec.
     *
     * @param type the type to decode into, for example {@code String.class} or a record class
     * @param <T> the decoded type
     * @return the decoded body
     * @throws IllegalArgumentException if the body cannot be decoded into {@code type}
     */
    <T> T task(Class<T> type);

    /**
     * Returns the time this run was scheduled for.
     *
     * @return the schedule time
     */
    Instant scheduleTime();

    /**
     * Returns the data time of this run: the schedule time shifted by the job's data offset.
     *
     * @return the data time
     */
    Instant dataTime();

    /**
     * Returns which attempt of the instance this is (0 for the first run).
     *
     * @return the instance attempt
     */
    int attempt();

    /**
     * Returns how many times a failed instance is retried.
     *
     * @return the instance retry limit
     */
    int maxAttempt();

    /**
     * Returns which attempt of this task this is (0 for the first run).
     *
     * @return the task attempt
     */
    int taskAttempt();

    /**
     * Returns how many times a failed task is retried.
     *
     * @return the task retry limit
     */
    int taskMaxAttempt();

    /**
     * Returns the shard id: the task id for broadcast tasks, the item id for sharding jobs, 0 otherwise.
     *
     * @return the sharding id
     */
    long shardingId();

    /**
     * Returns the number of shards: the worker count for broadcast jobs, the item count for sharding jobs.
     *
     * @return the sharding number
     */
    int shardingNum();

    /**
     * Returns the parameter of this shard (sharding jobs only).
     *
     * @return the shard parameter, empty if none
     */
    String shardingParameter();

    /**
     * Returns the cycle number of a second-delay job, 0 for other jobs.
     *
     * @return the serial number
     */
    long serialNum();

    /**
     * Returns the application group the worker belongs to.
     *
     * @return the group id
     */
    String groupId();

    /**
     * Returns the user who created or triggered the job.
     *
     * @return the user, empty if unknown
     */
    String user();

    /**
     * Returns the address of the worker running this task.
     *
     * @return the worker address
     */
    String workerAddr();

    /**
     * Returns the addresses of all workers taking part in this instance.
     *
     * @return an unmodifiable list of worker addresses
     */
    List<String> allWorkerAddrs();

    /**
     * Returns the result text of every task, keyed by task id. Filled only for
     * {@link MapReduceJobProcessor#reduce(JobContext) reduce} and
     * {@link BroadcastProcessor#postProcess(JobContext) postProcess}; empty otherwise.
     *
     * @return an unmodifiable map from task id to result
     */
    Map<Long, String> taskResults();

    /**
     * Returns the final status of every task, keyed by task id. Filled only for
     * {@link MapReduceJobProcessor#reduce(JobContext) reduce} and
     * {@link BroadcastProcessor#postProcess(JobContext) postProcess}; empty otherwise.
     *
     * @return an unmodifiable map from task id to status
     */
    Map<Long, TaskStatus> taskStatuses();

    /**
     * Returns the results of this workflow node's direct parents, one entry per parent in the order the
     * server sent them. A skipped parent appears with an empty result.
     *
     * @return an unmodifiable list, empty outside a workflow and for a workflow's root nodes
     */
    default List<UpstreamResult> upstreamResults() {
        return List.of();
    }

    /**
     * Returns the id of the workflow this run belongs to.
     *
     * @return the workflow id, null outside a workflow
     */
    default Long workflowId() {
        return null;
    }

    /**
     * Returns the id of the workflow instance this run belongs to.
     *
     * @return the workflow instance id, null outside a workflow
     */
    default Long workflowInstanceId() {
        return null;
    }

    /**
     * Tells whether this is the root task of a Map or MapReduce instance.
     *
     * @return true if {@link #taskName()} equals {@link #ROOT_TASK_NAME}
     */
    default boolean isRootTask() {
        return ROOT_TASK_NAME.equals(taskName());
    }

    /**
     * Creates sub-tasks, which the daemon spreads over all workers of the instance. Each element becomes the
     * body of one sub-task: a {@code byte[]} is sent as is, anything else is JSON-encoded by the daemon.
     *
     * @param tasks the sub-task bodies, not empty
     * @param taskName the name the sub-tasks see in {@link #taskName()}
     * @return a SUCCESS result once every sub-task was accepted, a FAILED one otherwise
     * @throws IllegalStateException if the processor is not a Map or MapReduce processor
     */
    ProcessResult map(List<?> tasks, String taskName);
}
