package dev.schedulerx.worker.task;

import dev.schedulerx.api.UpstreamResult;
import java.util.List;

/**
 * What a job instance knows of the workflow it runs in: the workflow and workflow-instance ids (null
 * outside a workflow) and its direct parents' results. Travels with the instance to every container.
 */
public record WorkflowView(Long workflowId, Long workflowInstanceId, List<UpstreamResult> upstream) {
  /** An instance that is not part of a workflow. */
  public static final WorkflowView NONE = new WorkflowView(null, null, List.of());

  public WorkflowView {
    upstream = upstream == null ? List.of() : List.copyOf(upstream);
  }

  /** Builds the view from wire values, where 0 (a field not sent) means "no workflow". */
  public static WorkflowView of(long workflowId, long workflowInstanceId, List<UpstreamResult> upstream) {
    if (workflowId == 0 && workflowInstanceId == 0 && upstream.isEmpty()) {
      return NONE;
    }
    return new WorkflowView(workflowId == 0 ? null : workflowId, workflowInstanceId == 0 ? null : workflowInstanceId, upstream);
  }
}
