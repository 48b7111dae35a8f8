package dev.schedulerx.server.gateway;

import dev.schedulerx.server.registry.WorkerInfo;

/** What a worker said in its heartbeat's metrics that it can do beyond the SchedulerX protocol (our daemons only). */
public final class WorkerCapabilities {
  private WorkerCapabilities() {}

  /**
   * Whether the worker takes many submits in one message ({@code "batchSubmit":true}, see batch.proto). Capabilities
   * are substring tests, not a JSON parse: this one is asked for every instance of a batch, and our daemon writes
   * the fields verbatim.
   */
  public static boolean batchSubmit(WorkerInfo worker) {
    return says(worker, "batchSubmit");
  }

  /** Whether the worker can master an instance from its log ({@code "masterResume":true}, see resume.proto). */
  public static boolean masterResume(WorkerInfo worker) {
    return says(worker, "masterResume");
  }

  private static boolean says(WorkerInfo worker, String capability) {
    String metrics = worker.metricsJson();
    return metrics != null && metrics.contains("\"" + capability + "\":true");
  }
}
