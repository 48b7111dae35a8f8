package dev.schedulerx.worker.instance;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.worker.container.TaskBodyCodec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The {@link JobContext} a processor sees for one task. Immutable; mapping is delegated to the
 * {@link TaskMapper} of map-style instances and refused elsewhere.
 */
final class TaskContext implements JobContext {
  /** Creates sub-tasks on behalf of a running task. */
  interface TaskMapper {
    ProcessResult map(TaskContext caller, List<?> tasks, String taskName);
  }

  private static final TaskMapper NO_MAP =
      (caller, tasks, name) -> {
        throw new IllegalStateException(
            "map() is only available to Map/MapReduce processors; job " + caller.jobName() + " runs in "
                + caller.executeMode() + " mode");
      };

  private final InstanceSpec instance;
  private final long taskId;
  private final String taskName;
  private final byte[] taskBody;
  private final int taskAttempt;
  private final String workerAddr;
  private final Map<Long, String> taskResults;
  private final Map<Long, TaskStatus> taskStatuses;
  private final TaskBodyCodec codec;
  private final TaskMapper mapper;

  TaskContext(
      InstanceSpec instance,
      long taskId,
      String taskName,
      byte[] taskBody,
      int taskAttempt,
      String workerAddr,
      Map<Long, String> taskResults,
      Map<Long, TaskStatus> taskStatuses,
      TaskBodyCodec codec,
      TaskMapper mapper) {
    this.instance = instance;
    this.taskId = taskId;
    this.taskName = taskName == null ? "" : taskName;
    this.taskBody = taskBody == null ? new byte[0] : taskBody;
    this.taskAttempt = taskAttempt;
    this.workerAddr = workerAddr;
    this.taskResults = Map.copyOf(taskResults);
    this.taskStatuses = Map.copyOf(taskStatuses);
    this.codec = codec;
    this.mapper = mapper == null ? NO_MAP : mapper;
  }

  /** The context of a standalone run: task 0, no body, no child results. */
  static TaskContext standalone(InstanceSpec instance, String workerAddr, TaskBodyCodec codec) {
    return new TaskContext(instance, 0, "", null, 0, workerAddr, Map.of(), Map.of(), codec, null);
  }

  @Override public long jobId() { return instance.jobId(); }
  @Override public long jobInstanceId() { return instance.instanceId(); }
  @Override public long taskId() { return taskId; }
  @Override public String jobName() { return instance.jobName(); }
  @Override public String executeMode() { return instance.executeMode(); }
  @Override public String jobParameters() { return instance.jobParameters(); }
  @Override public String instanceParameters() { return instance.instanceParameters(); }
  @Override public String taskName() { return taskName; }
  @Override public byte[] taskBody() { return taskBody.clone(); }
  @Override public <T> T task(Class<T> type) { return codec.decode(taskBody, type); }
  @Override public Instant scheduleTime() { return instance.scheduleTime(); }
  @Override public Instant dataTime() { return instance.dataTime(); }
  @Override public int attempt() { return instance.attempt(); }
  @Override public int maxAttempt() { return instance.maxAttempt(); }
  @Override public int taskAttempt() { return taskAttempt; }
  @Override public int taskMaxAttempt() { return 0; }
  @Override public long shardingId() { return taskId; }
  @Override public int shardingNum() { return 0; }
  @Override public String shardingParameter() { return ""; }
  @Override public long serialNum() { return 0; }
  @Override public String groupId() { return instance.groupId(); }
  @Override public String user() { return instance.user(); }
  @Override public String workerAddr() { return workerAddr; }
  @Override public List<String> allWorkerAddrs() { return instance.workers(); }
  @Override public Map<Long, String> taskResults() { return taskResults; }
  @Override public Map<Long, TaskStatus> taskStatuses() { return taskStatuses; }

  @Override
  public ProcessResult map(List<?> tasks, String taskName) {
    return mapper.map(this, tasks, taskName);
  }
}
