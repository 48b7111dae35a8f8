package dev.schedulerx.worker.instance.testplugins;

import dev.schedulerx.api.BroadcastProcessor;
import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A broadcast processor: each worker succeeds with its sharding id; postProcess sums the successful ones.
 * Job parameters pick a variant: "failPre" (preProcess throws), "failPost" (postProcess returns FAILED),
 * "nullPost" (postProcess returns null). Records "pre &lt;instance&gt;" and "post &lt;instance&gt; &lt;results
 * seen&gt;", readable through {@link Supplier}.
 */
public final class ShardSumProcessor implements BroadcastProcessor, Supplier<List<String>> {
  private final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public void preProcess(JobContext context) {
    events.add("pre " + context.jobInstanceId() + " " + context.taskResults().size());
    if ("failPre".equals(context.jobParameters())) {
      throw new IllegalStateException("no quota left");
    }
  }

  @Override
  public ProcessResult process(JobContext context) {
    return ProcessResult.success(String.valueOf(context.shardingId()));
  }

  @Override
  public ProcessResult postProcess(JobContext context) {
    events.add("post " + context.jobInstanceId() + " " + context.taskResults().size());
    switch (context.jobParameters()) {
      case "failPost":
        return ProcessResult.failure("totals do not match");
      case "nullPost":
        return null;
      default:
        long sum = 0;
        for (Map.Entry<Long, String> e : context.taskResults().entrySet()) {
          if (context.taskStatuses().get(e.getKey()) == TaskStatus.SUCCESS) {
            sum += Long.parseLong(e.getValue());
          }
        }
        return ProcessResult.success(String.valueOf(sum));
    }
  }

  @Override
  public List<String> get() {
    return List.copyOf(events);
  }

  @Override
  public String name() {
    return "ShardSum";
  }
}
