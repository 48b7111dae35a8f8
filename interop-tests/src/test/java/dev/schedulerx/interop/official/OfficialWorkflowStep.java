package dev.schedulerx.interop.official;

import com.alibaba.schedulerx.worker.domain.JobContext;
import com.alibaba.schedulerx.worker.processor.JavaProcessor;
import com.alibaba.schedulerx.worker.processor.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A workflow node on the official worker whose behaviour its job parameters set, so operator actions have a node
 * to act on: {@code fail-until:<file>} fails while the file is missing; {@code hold-until:<file>} runs until the
 * file exists (at most 60 s, or until killed); anything else succeeds. The result names the job.
 */
public class OfficialWorkflowStep extends JavaProcessor {
  private static final long HOLD_MILLIS = 60_000;

  @Override
  public ProcessResult process(JobContext context) throws Exception {
    String parameters = context.getJobParameters() == null ? "" : context.getJobParameters();
    if (parameters.startsWith("fail-until:") && !Files.exists(Path.of(parameters.substring("fail-until:".length())))) {
      return new ProcessResult(false, context.getJobName() + " failed on purpose");
    }
    if (parameters.startsWith("hold-until:")) {
      Path file = Path.of(parameters.substring("hold-until:".length()));
      long until = System.currentTimeMillis() + HOLD_MILLIS;
      while (!Files.exists(file) && System.currentTimeMillis() < until) {
        Thread.sleep(50); // the workload of a long-running node, not a test's synchronisation
      }
    }
    return new ProcessResult(true, context.getJobName() + " done");
  }
}
