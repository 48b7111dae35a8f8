package dev.schedulerx.server.workflow;

/** An action the workflow's or run's state does not allow (HTTP 409); the message says why and what to do. */
public final class WorkflowStateException extends IllegalStateException {
  public WorkflowStateException(String message) {
    super(message);
  }
}
