package dev.schedulerx.worker.instance.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapReduceJobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Maps 1..N (job parameters) as "Value" tasks, failing the value given as instance parameters, and does
 * not want reduce after a failure. Reduce succeeds with "reduced N" and records "reduce &lt;instance id&gt;",
 * readable through {@link Supplier}.
 */
public final class NoReduceOnFailProcessor implements MapReduceJobProcessor, Supplier<List<String>> {
  private final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public ProcessResult process(JobContext context) {
    if (context.isRootTask()) {
      return map(context, IntStream.rangeClosed(1, Integer.parseInt(context.jobParameters())).boxed().toList(), "Value");
    }
    int value = context.task(Integer.class);
    return String.valueOf(value).equals(context.instanceParameters())
        ? ProcessResult.failure("value " + value + " is unlucky")
        : ProcessResult.success(String.valueOf(value));
  }

  @Override
  public boolean runReduceIfFail(JobContext context) {
    return false;
  }

  @Override
  public ProcessResult reduce(JobContext context) {
    events.add("reduce " + context.jobInstanceId());
    return ProcessResult.success("reduced " + (context.taskResults().size() - 1));
  }

  @Override
  public List<String> get() {
    return List.copyOf(events);
  }

  @Override
  public String name() {
    return "NoReduceOnFail";
  }
}
