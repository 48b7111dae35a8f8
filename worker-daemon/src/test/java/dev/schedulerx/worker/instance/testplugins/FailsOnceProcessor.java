package dev.schedulerx.worker.instance.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fails the first run (creating the marker file its instance parameters name), succeeds once the marker exists. */
public final class FailsOnceProcessor implements JobProcessor {
  @Override
  public ProcessResult process(JobContext context) throws IOException {
    Path marker = Path.of(context.instanceParameters());
    if (Files.exists(marker)) {
      return ProcessResult.success("second time lucky");
    }
    Files.createFile(marker);
    return ProcessResult.failure("first run fails");
  }

  @Override
  public String name() {
    return "FailsOnce";
  }
}
