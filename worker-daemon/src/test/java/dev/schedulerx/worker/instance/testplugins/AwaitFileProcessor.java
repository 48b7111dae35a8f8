package dev.schedulerx.worker.instance.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Long-running work a test controls from outside the plugin's class loader: the instance parameters name a
 * file; the processor writes {@code <file>.started}, waits until the file exists, and succeeds with
 * "released: &lt;its content&gt;".
 */
public final class AwaitFileProcessor implements JobProcessor {
  @Override
  public ProcessResult process(JobContext context) throws Exception {
    Path release = Path.of(context.instanceParameters());
    Files.writeString(release.resolveSibling(release.getFileName() + ".started"), "started", StandardCharsets.UTF_8);
    while (!Files.exists(release)) {
      Thread.sleep(10); // user code polling for its input; the test never sleeps
    }
    return ProcessResult.success("released: " + Files.readString(release, StandardCharsets.UTF_8).trim());
  }

  /**
   * For tests: releases the run waiting on {@code file} with {@code content}, written beside it and moved in, so that the
   * processor never finds the file before its content (it did: "released: " with nothing after it).
   */
  public static void release(Path file, String content) throws IOException {
    Path written = Files.writeString(file.resolveSibling(file.getFileName() + ".writing"), content, StandardCharsets.UTF_8);
    Files.move(written, file, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public String name() {
    return "AwaitFile";
  }
}
