package dev.schedulerx.server.http;

import dev.schedulerx.job.JobSpec;
import dev.schedulerx.server.alert.MonitorSettings;
import dev.schedulerx.server.store.JobDefinition;

/** A job spec from an API call as the job to store: the spec's own checks, then the alert settings'. */
final class JobSpecs {
  private JobSpecs() {}

  /** Throws IllegalArgumentException naming the first bad field. */
  static JobDefinition definitionOf(JobSpec spec) {
    MonitorSettings.parse(spec.monitorConfig());
    MonitorSettings.parseContacts(spec.contact());
    return JobDefinition.of(spec);
  }
}
