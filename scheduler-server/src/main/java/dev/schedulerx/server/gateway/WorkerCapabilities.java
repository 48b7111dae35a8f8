package dev.schedulerx.server.gateway;

import dev.schedulerx.server.registry.WorkerInfo;

/** What a worker said in its heartbeat's metrics that it can do beyond the SchedulerX protocol (our daemons only). */
public final class WorkerCapabilities {
  private WorkerCapabilities() {}

  /**
   * Whether the worker takes many submits in one message ({@code "batchSubmit":true}, see batch.proto). A substring
   * test, not a JSON parse: it is asked for every instance of a batch, and our daemon writes the field verbatim.
   */
  public static boolean batchSubmit(WorkerInfo worker) {
    String metrics = worker.metricsJson();
    return metrics != null && metrics.contains("\"batchSubmit\":true");
  }
}
