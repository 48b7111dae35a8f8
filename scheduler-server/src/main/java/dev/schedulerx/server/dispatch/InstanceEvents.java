package dev.schedulerx.server.dispatch;

import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import java.time.Instant;

/** What {@link InstanceLifecycle} tells observers (metrics): called on the store threads, must be quick. */
public interface InstanceEvents {
  /** Nobody listens. */
  InstanceEvents NONE = new InstanceEvents() {};

  /** A worker accepted {@code instance} of {@code job} as its master at {@code acceptedAt}. */
  default void started(JobDefinition job, JobInstance instance, Instant acceptedAt) {}

  /** An instance of the job {@code jobId} was recorded finished in {@code state} (once per instance). */
  default void finished(long jobId, InstanceState state) {}
}
