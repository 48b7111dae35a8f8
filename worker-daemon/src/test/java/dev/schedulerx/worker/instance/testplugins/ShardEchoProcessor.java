package dev.schedulerx.worker.instance.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A sharding processor: records "&lt;instance&gt; &lt;shard id&gt;=&lt;shard parameter&gt;/&lt;shard count&gt;" for
 * every shard it runs (readable through {@link Supplier}) and succeeds, except on a shard whose parameter is
 * "fail".
 */
public final class ShardEchoProcessor implements JobProcessor, Supplier<List<String>> {
  private final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public ProcessResult process(JobContext context) {
    events.add(context.jobInstanceId() + " " + context.shardingId() + "=" + context.shardingParameter() + "/" + context.shardingNum());
    return "fail".equals(context.shardingParameter())
        ? ProcessResult.failure("shard " + context.shardingId() + " refused")
        : ProcessResult.success(context.shardingParameter());
  }

  @Override
  public List<String> get() {
    return List.copyOf(events);
  }

  @Override
  public String name() {
    return "ShardEcho";
  }
}
