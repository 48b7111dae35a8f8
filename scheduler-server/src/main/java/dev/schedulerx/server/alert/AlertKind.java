package dev.schedulerx.server.alert;

/** Why an alert was raised, with the words the messages use. */
public enum AlertKind {
  FAILURE("failed", "critical"),
  FAIL_RATE("sub-task failure rate reached", "critical"),
  TIMEOUT("timed out", "critical"),
  NO_WORKER("has no live worker", "critical"),
  ALL_BUSY("found all workers busy", "warning"),
  DEADLINE("missed its deadline", "warning"),
  WORKFLOW_FAILURE("failed", "critical"),
  SUCCESS("succeeded", "info"),
  RECOVERY("recovered", "info"),
  DIGEST("digest of suppressed alerts", "warning"),
  TEST("test alert", "info");

  private final String verb;
  private final String severity;

  AlertKind(String verb, String severity) {
    this.verb = verb;
    this.severity = severity;
  }

  String verb() {
    return verb;
  }

  String severity() {
    return severity;
  }
}
