package dev.schedulerx.worker.it.alertplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapJobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.util.List;

/** A Map processor whose root maps items 1..4; the even items fail, so half of the items fail. */
public final class HalfFailingMapProcessor implements MapJobProcessor {
  @Override
  public ProcessResult process(JobContext context) {
    if (context.isRootTask()) {
      return map(context, List.of(1, 2, 3, 4), "Item");
    }
    int item = context.task(Integer.class);
    return item % 2 == 0 ? ProcessResult.failure("item " + item + " failed") : ProcessResult.success("item " + item);
  }

  @Override
  public String name() {
    return "HalfFailingMap";
  }
}
