package dev.schedulerx.worker.script;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.worker.task.InstanceSpec;
import dev.schedulerx.worker.task.TaskContext;

/** What a built-in processor runs: the job's content and xattrs, as the server (or master) sent them. */
record JobSource(String content, String xattrs) {
  static JobSource of(JobContext context) {
    if (!(context instanceof TaskContext task)) {
      throw new IllegalArgumentException("built-in processors run only inside the daemon");
    }
    InstanceSpec spec = task.instance();
    return new JobSource(spec.content(), spec.xattrs() == null ? "" : spec.xattrs());
  }
}
