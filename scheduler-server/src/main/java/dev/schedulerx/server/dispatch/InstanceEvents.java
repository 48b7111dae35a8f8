package dev.schedulerx.server.dispatch;

import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import java.time.Instant;
import java.util.List;

/**
 * What {@link InstanceLifecycle} and {@link InstanceEnds} tell observers (metrics, alert rules): called on the store
 * threads, must be quick.
 */
public interface InstanceEvents {
  /** Nobody listens. */
  InstanceEvents NONE = new InstanceEvents() {};

  /** A worker accepted {@code instance} of {@code job} as its master at {@code acceptedAt}. */
  default void started(JobDefinition job, JobInstance instance, Instant acceptedAt) {}

  /** An instance of the job {@code jobId} was recorded finished in {@code state} (once per instance). */
  default void finished(long jobId, InstanceState state) {}

  // ---- for alert rules ----

  /** As {@link #finished}, with the instance's id: the instance is stored finished when this is called. */
  default void runEnded(long instanceId, long jobId, InstanceState state) {}

  /** A run of {@code job} was due and its group had no live worker (it is then failed). */
  default void noWorker(JobDefinition job, JobInstance instance) {}

  /** Every live worker of the group refused the run ({@code why}: the last refusal). */
  default void allWorkersBusy(JobDefinition job, JobInstance instance, String why) {}

  /**
   * The timeout pass saw {@code instance} still running at {@code now} (about once a second, on the scheduling
   * thread: must not block). A non-null answer ends the run FAILED with that reason, as a job timeout does.
   */
  default String stillRunning(JobDefinition job, JobInstance instance, Instant now) {
    return null;
  }

  /** All of {@code observers}, in order; {@link #stillRunning} answers the first non-null reason. */
  static InstanceEvents all(List<InstanceEvents> observers) {
    List<InstanceEvents> list = List.copyOf(observers);
    return new InstanceEvents() {
      @Override
      public void started(JobDefinition job, JobInstance instance, Instant acceptedAt) {
        list.forEach(o -> o.started(job, instance, acceptedAt));
      }

      @Override
      public void finished(long jobId, InstanceState state) {
        list.forEach(o -> o.finished(jobId, state));
      }

      @Override
      public void runEnded(long instanceId, long jobId, InstanceState state) {
        list.forEach(o -> o.runEnded(instanceId, jobId, state));
      }

      @Override
      public void noWorker(JobDefinition job, JobInstance instance) {
        list.forEach(o -> o.noWorker(job, instance));
      }

      @Override
      public void allWorkersBusy(JobDefinition job, JobInstance instance, String why) {
        list.forEach(o -> o.allWorkersBusy(job, instance, why));
      }

      @Override
      public String stillRunning(JobDefinition job, JobInstance instance, Instant now) {
        String reason = null;
        for (InstanceEvents o : list) {
          String r = o.stillRunning(job, instance, now);
          reason = reason == null ? r : reason;
        }
        return reason;
      }
    };
  }
}
