package dev.schedulerx.e2e.plugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.UpstreamResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A workflow node that records each start: job parameters {@code <dir>} or {@code <dir>,hold}. It appends its job
 * name to {@code <dir>/starts.log}; with {@code hold} it then waits until {@code <dir>/release} exists (at most
 * 120 s). Its result is {@code <job><-[parent=result;...]}.
 */
public final class GateNode implements JobProcessor {
  @Override
  public ProcessResult process(JobContext context) throws Exception {
    String[] p = context.jobParameters().split(",");
    Path dir = Path.of(p[0].trim());
    Files.writeString(dir.resolve("starts.log"), context.jobName() + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    if (p.length > 1 && p[1].trim().equals("hold")) {
      long until = System.currentTimeMillis() + 120_000;
      while (!Files.exists(dir.resolve("release")) && System.currentTimeMillis() < until) {
        Thread.sleep(20); // the workload of a long node, not a test's synchronisation
      }
    }
    StringBuilder up = new StringBuilder();
    for (UpstreamResult r : context.upstreamResults()) {
      up.append(up.length() == 0 ? "" : ";").append(r.jobName()).append('=').append(r.result());
    }
    return ProcessResult.success(context.jobName() + "<-[" + up + "]");
  }

  @Override
  public String name() {
    return "GateNode";
  }
}
