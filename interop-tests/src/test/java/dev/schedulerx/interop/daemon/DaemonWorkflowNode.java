package dev.schedulerx.interop.daemon;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.UpstreamResult;

/** The same node on our daemon, through the plugin API: {@code <job>|wf=..|wfi=..|up=[A=ra]|by=daemon}. */
public final class DaemonWorkflowNode implements JobProcessor {
  @Override
  public String name() {
    return "DaemonWorkflowNode";
  }

  @Override
  public ProcessResult process(JobContext context) {
    StringBuilder up = new StringBuilder();
    for (UpstreamResult r : context.upstreamResults()) {
      up.append(up.length() == 0 ? "" : ";").append(r.jobName()).append('=').append(r.result());
    }
    return ProcessResult.success(context.jobName() + "|wf=" + context.workflowId() + "|wfi="
        + context.workflowInstanceId() + "|up=[" + up + "]|by=daemon");
  }
}
