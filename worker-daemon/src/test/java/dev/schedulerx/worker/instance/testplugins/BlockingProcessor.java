package dev.schedulerx.worker.instance.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * Blocks until its thread is interrupted. What happened to it ("started 7", "interrupted 7", "kill hook 7")
 * is readable through {@link Supplier}, a JDK type the test shares with the plugin's class loader.
 */
public final class BlockingProcessor implements JobProcessor, Supplier<List<String>> {
  private final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public ProcessResult process(JobContext context) throws InterruptedException {
    events.add("started " + context.jobInstanceId());
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      events.add("interrupted " + context.jobInstanceId());
      throw e;
    }
    return ProcessResult.success("never");
  }

  @Override
  public void kill(JobContext context) {
    events.add("kill hook " + context.jobInstanceId());
  }

  @Override
  public List<String> get() {
    return List.copyOf(events);
  }

  @Override
  public String name() {
    return "Blocking";
  }
}
