package dev.schedulerx.worker.instance;

import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.worker.task.InstanceSpec;

/** Where a supervisor reports its instance (the server link, which delivers until acknowledged). */
public interface StatusSink {
  /** A status change; final statuses are delivered at least once. */
  void report(InstanceSpec instance, InstanceStatus status, String result, String progress);

  /** Progress JSON of a running map or broadcast instance; best effort, newer replaces older. */
  void progress(InstanceSpec instance, String progressJson);
}
