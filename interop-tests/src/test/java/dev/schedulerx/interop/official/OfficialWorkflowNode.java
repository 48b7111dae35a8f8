package dev.schedulerx.interop.official;

import com.alibaba.schedulerx.common.domain.JobInstanceData;
import com.alibaba.schedulerx.worker.domain.JobContext;
import com.alibaba.schedulerx.worker.processor.JavaProcessor;
import com.alibaba.schedulerx.worker.processor.ProcessResult;
import java.util.List;

/**
 * A workflow node on the official worker: answers with what the official classes parsed,
 * {@code <job>|wf=<getWorkflowId()>|wfi=<getWfInstanceId()>|up=[A=ra;B=rb]|by=official}.
 */
public class OfficialWorkflowNode extends JavaProcessor {
  @Override
  public ProcessResult process(JobContext context) {
    StringBuilder up = new StringBuilder();
    List<JobInstanceData> upstream = context.getUpstreamData();
    if (upstream != null) {
      for (JobInstanceData d : upstream) {
        up.append(up.length() == 0 ? "" : ";").append(d.getJobName()).append('=').append(d.getData());
      }
    }
    return new ProcessResult(true, context.getJobName() + "|wf=" + context.getWorkflowId() + "|wfi="
        + context.getWfInstanceId() + "|up=[" + up + "]|by=official");
  }
}
