package dev.schedulerx.examples;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-written {@link JobContext} for the example tests. The task body is held as an object (no JSON codec
 * here), and {@link #map} records its calls instead of creating sub-tasks.
 */
final class FakeJobContext implements JobContext {
    /** One recorded {@link #map} call. */
    record MapCall(List<Object> tasks, String taskName) {}

    private String jobParameters = "";
    private String instanceParameters = "";
    private String taskName = "";
    private long taskId;
    private Object task;
    private final Map<Long, String> taskResults = new LinkedHashMap<>();
    private final Map<Long, TaskStatus> taskStatuses = new LinkedHashMap<>();
    final List<MapCall> mapCalls = new ArrayList<>();

    static FakeJobContext root() {
        return new FakeJobContext().taskName(ROOT_TASK_NAME);
    }

    FakeJobContext jobParameters(String value) {
        jobParameters = value;
        return this;
    }

    FakeJobContext instanceParameters(String value) {
        instanceParameters = value;
        return this;
    }

    FakeJobContext taskName(String value) {
        taskName = value;
        return this;
    }

    FakeJobContext task(long id, Object body) {
        taskId = id;
        task = body;
        return this;
    }

    FakeJobContext taskOutcome(long id, TaskStatus status, String result) {
        taskStatuses.put(id, status);
        taskResults.put(id, result);
        return this;
    }

    @Override
    public long jobId() {
        return 1;
    }

    @Override
    public long jobInstanceId() {
        return 2;
    }

    @Override
    public long taskId() {
        return taskId;
    }

    @Override
    public String jobName() {
        return "example";
    }

    @Override
    public String executeMode() {
        return "standalone";
    }

    @Override
    public String jobParameters() {
        return jobParameters;
    }

    @Override
    public String instanceParameters() {
        return instanceParameters;
    }

    @Override
    public String taskName() {
        return taskName;
    }

    @Override
    public byte[] taskBody() {
        return new byte[0];
    }

    @Override
    public <T> T task(Class<T> type) {
        return type.cast(task);
    }

    @Override
    public Instant scheduleTime() {
        return Instant.EPOCH;
    }

    @Override
    public Instant dataTime() {
        return Instant.EPOCH;
    }

    @Override
    public int attempt() {
        return 0;
    }

    @Override
    public int maxAttempt() {
        return 0;
    }

    @Override
    public int taskAttempt() {
        return 0;
    }

    @Override
    public int taskMaxAttempt() {
        return 0;
    }

    @Override
    public long shardingId() {
        return taskId;
    }

    @Override
    public int shardingNum() {
        return 1;
    }

    @Override
    public String shardingParameter() {
        return "";
    }

    @Override
    public long serialNum() {
        return 0;
    }

    @Override
    public String groupId() {
        return "examples";
    }

    @Override
    public String user() {
        return "";
    }

    @Override
    public String workerAddr() {
        return "127.0.0.1:0";
    }

    @Override
    public List<String> allWorkerAddrs() {
        return List.of(workerAddr());
    }

    @Override
    public Map<Long, String> taskResults() {
        return taskResults;
    }

    @Override
    public Map<Long, TaskStatus> taskStatuses() {
        return taskStatuses;
    }

    @Override
    public ProcessResult map(List<?> tasks, String taskName) {
        mapCalls.add(new MapCall(List.<Object>copyOf(tasks), taskName));
        return ProcessResult.success();
    }
}
