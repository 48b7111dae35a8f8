package dev.schedulerx.interop.official;

import com.alibaba.schedulerx.worker.domain.JobContext;
import com.alibaba.schedulerx.worker.processor.JavaProcessor;
import com.alibaba.schedulerx.worker.processor.ProcessResult;

/**
 * The mixed group's sharding job on the official worker: the job's parameters are {@code <id>=p<id>} for every
 * shard, so each shard checks that it was given its own parameter and the shard count, and fails saying what
 * it got otherwise.
 */
public class OfficialShardCheck extends JavaProcessor {
  @Override
  public ProcessResult process(JobContext context) {
    long id = context.getShardingId();
    String parameter = context.getShardingParameter();
    int expectedCount = context.getJobParameters().split(",").length;
    boolean right = ("p" + id).equals(parameter) && context.getShardingNum() == expectedCount;
    return new ProcessResult(right, (right ? "" : "wrong shard: ") + id + "=" + parameter + "/" + context.getShardingNum()
        + "@official-" + ProcessHandle.current().pid());
  }
}
