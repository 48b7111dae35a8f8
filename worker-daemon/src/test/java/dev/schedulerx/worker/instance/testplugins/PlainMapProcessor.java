package dev.schedulerx.worker.instance.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapJobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.util.stream.IntStream;

/** A Map processor without reduce: maps 1..N (job parameters) as "Item" tasks, each succeeding. */
public final class PlainMapProcessor implements MapJobProcessor {
  @Override
  public ProcessResult process(JobContext context) {
    if (context.isRootTask()) {
      return map(context, IntStream.rangeClosed(1, Integer.parseInt(context.jobParameters())).boxed().toList(), "Item");
    }
    return ProcessResult.success("item " + context.task(Integer.class));
  }

  @Override
  public String name() {
    return "PlainMap";
  }
}
