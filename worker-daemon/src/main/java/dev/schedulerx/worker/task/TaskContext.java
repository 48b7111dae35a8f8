package dev.schedulerx.worker.task;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.api.UpstreamResult;
import dev.schedulerx.job.ExecuteMode;
import dev.schedulerx.worker.task.TaskBodyCodec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The {@link JobContext} a processor sees for one task. Immutable; mapping is delegated to the
 * {@link TaskMapper} of map-style instances and refused elsewhere.
 */
public final class TaskContext implements JobContext {
  /** Creates sub-tasks on behalf of a running task (sends them to the instance's master). */
  public interface TaskMapper {
    ProcessResult map(TaskContext caller, List<?> tasks, String taskName);
  }

  private static final TaskMapper NO_MAP =
      (caller, tasks, name) -> {
        throw new IllegalStateException(
            "map() is only available to Map/MapReduce processors; job " + caller.jobName() + " runs in "
                + caller.executeMode() + " mode");
      };

  private final InstanceSpec instance;
  private final TaskSpec task;
  private final String workerAddr;
  private final Map<Long, String> taskResults;
  private final Map<Long, TaskStatus> taskStatuses;
  private final TaskBodyCodec codec;
  private final TaskMapper mapper;

  /**
   * @param taskResults, taskStatuses child outcomes (reduce and postProcess only); kept as given, not
   *     copied, since they may be large read-only views
   * @param mapper null where map() is not allowed
   */
  public TaskContext(
      InstanceSpec instance,
      TaskSpec task,
      String workerAddr,
      Map<Long, String> taskResults,
      Map<Long, TaskStatus> taskStatuses,
      TaskBodyCodec codec,
      TaskMapper mapper) {
    this.instance = instance;
    this.task = task;
    this.workerAddr = workerAddr;
    this.taskResults = java.util.Collections.unmodifiableMap(taskResults);
    this.taskStatuses = java.util.Collections.unmodifiableMap(taskStatuses);
    this.codec = codec;
    this.mapper = mapper == null ? NO_MAP : mapper;
  }

  /** The context of a standalone run: task 0, no body, no child results. */
  public static TaskContext standalone(InstanceSpec instance, String workerAddr, TaskBodyCodec codec) {
    return new TaskContext(instance, TaskSpec.standalone(), workerAddr, Map.of(), Map.of(), codec, null);
  }

  /** The instance as submitted (built-in processors read its job type, content and xattrs). */
  public InstanceSpec instance() { return instance; }

  @Override public long jobId() { return instance.jobId(); }
  @Override public long jobInstanceId() { return instance.instanceId(); }
  @Override public long taskId() { return task.taskId(); }
  @Override public String jobName() { return instance.jobName(); }
  @Override public String executeMode() { return instance.executeMode(); }
  @Override public String jobParameters() { return instance.jobParameters(); }
  @Override public String instanceParameters() { return instance.instanceParameters(); }
  @Override public String taskName() { return task.taskName(); }
  @Override public byte[] taskBody() { return task.body() == null ? new byte[0] : task.body().clone(); }
  @Override public <T> T task(Class<T> type) { return codec.decode(task.body(), type); }
  @Override public Instant scheduleTime() { return instance.scheduleTime(); }
  @Override public Instant dataTime() { return instance.dataTime(); }
  @Override public int attempt() { return instance.attempt(); }
  @Override public int maxAttempt() { return instance.maxAttempt(); }
  @Override public int taskAttempt() { return task.attempt(); }
  @Override public int taskMaxAttempt() { return task.maxAttempt(); }
  @Override public long shardingId() { return isShard() ? codec.decodeShard(task.body()).id() : task.taskId(); }
  @Override public int shardingNum() { return task.shardingNum(); }
  @Override public String shardingParameter() { return isShard() ? codec.decodeShard(task.body()).parameter() : ""; }
  @Override public long serialNum() { return 0; }
  @Override public String groupId() { return instance.groupId(); }
  @Override public String user() { return instance.user(); }
  @Override public String workerAddr() { return workerAddr; }
  @Override public List<String> allWorkerAddrs() { return instance.workers(); }
  @Override public Map<Long, String> taskResults() { return taskResults; }
  @Override public Map<Long, TaskStatus> taskStatuses() { return taskStatuses; }
  @Override public List<UpstreamResult> upstreamResults() { return instance.workflow().upstream(); }
  @Override public Long workflowId() { return instance.workflow().workflowId(); }
  @Override public Long workflowInstanceId() { return instance.workflow().workflowInstanceId(); }

  /** A task of a sharding instance (not its master's own context): its body says which shard it is. */
  private boolean isShard() {
    return ExecuteMode.SHARDING.key().equals(instance.executeMode()) && task.body() != null;
  }

  @Override
  public ProcessResult map(List<?> tasks, String taskName) {
    return mapper.map(this, tasks, taskName);
  }
}
