package dev.schedulerx.interop.daemon;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;

/** The official worker's {@code OfficialShardCheck} for our daemons, registered under its class name. */
public final class DaemonShardCheck implements JobProcessor {
  @Override
  public String name() {
    return "dev.schedulerx.interop.official.OfficialShardCheck";
  }

  @Override
  public ProcessResult process(JobContext context) {
    long id = context.shardingId();
    String parameter = context.shardingParameter();
    int expectedCount = context.jobParameters().split(",").length;
    boolean right = ("p" + id).equals(parameter) && context.shardingNum() == expectedCount;
    String seen = id + "=" + parameter + "/" + context.shardingNum() + "@daemon-" + ProcessHandle.current().pid();
    return right ? ProcessResult.success(seen) : ProcessResult.failure("wrong shard: " + seen);
  }
}
