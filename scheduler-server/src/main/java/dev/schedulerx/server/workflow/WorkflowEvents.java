package dev.schedulerx.server.workflow;

/** An observer of workflow runs (alerting). Called on the engine's thread: return at once, hand work elsewhere. */
public interface WorkflowEvents {
  WorkflowEvents NONE = run -> {};

  /**
   * A run ended SUCCESS or FAILED because its nodes did (not by an operator's stop or set-success). Called once, by
   * the node whose engine moved the run; {@code run} is as stored after the move (state, reason, finishedAt).
   */
  void runEnded(WfInstance run);
}
