package dev.schedulerx.worker.instance.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.UpstreamResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A workflow node for tests. Its result tells what it saw: {@code <job>|wf=<id>|wfi=<id>|up=[A=ra;B=rb]}. The job
 * parameters pick a behaviour: {@code fail} fails; {@code await} writes {@code <dir>/<job>.started} (dir = the
 * instance parameters) and waits until {@code <dir>/<job>} exists; {@code big} returns a 3,000-byte result. A parent
 * result over 500 characters is shown as {@code len:<length>,tail:<last 5 characters>}.
 */
public final class WorkflowNodeProcessor implements JobProcessor {
  @Override
  public ProcessResult process(JobContext context) throws Exception {
    String mode = context.jobParameters();
    if (mode.contains("await")) {
      Path dir = Path.of(context.instanceParameters());
      Files.writeString(dir.resolve(context.jobName() + ".started"), "started", StandardCharsets.UTF_8);
      while (!Files.exists(dir.resolve(context.jobName()))) {
        Thread.sleep(10); // user code polling for its input; the test never sleeps
      }
    }
    if (mode.contains("fail")) {
      return ProcessResult.failure("failed on purpose");
    }
    if (mode.contains("big")) {
      return ProcessResult.success("x".repeat(3000));
    }
    StringBuilder up = new StringBuilder();
    for (UpstreamResult r : context.upstreamResults()) {
      String data = r.result().length() <= 500 ? r.result()
          : "len:" + r.result().length() + ",tail:" + r.result().substring(r.result().length() - 5);
      up.append(up.length() == 0 ? "" : ";").append(r.jobName()).append('=').append(data);
    }
    return ProcessResult.success(context.jobName() + "|wf=" + context.workflowId() + "|wfi=" + context.workflowInstanceId()
        + "|up=[" + up + "]");
  }

  @Override
  public String name() {
    return "WorkflowNode";
  }
}
