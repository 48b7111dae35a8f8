package dev.schedulerx.worker.instance;

import dev.schedulerx.api.InstanceStatus;

/** Where a supervisor reports its instance's status (the server link, which delivers until acknowledged). */
@FunctionalInterface
public interface StatusSink {
  void report(InstanceSpec instance, InstanceStatus status, String result, String progress);
}
