package dev.schedulerx.server.dispatch;

import dev.schedulerx.job.schedule.TimeType;
import dev.schedulerx.server.store.JobDefinition;

/** Builds job definitions for the dispatch tests: group "g", processor "Hello", SchedulerX defaults. */
final class TestJob {
  private final String name;
  private final TimeType type;
  private String expression;
  private int maxAttempt = 0;
  private int attemptIntervalSeconds = 30;
  private int maxConcurrency = 1;
  private String concurrencyPolicy = JobDefinition.SKIP;
  private long timeoutSeconds = 0;
  private boolean enabled = true;
  private String group = SchedulingFixture.GROUP;

  private TestJob(String name, TimeType type, String expression) {
    this.name = name;
    this.type = type;
    this.expression = expression;
  }

  static TestJob of(String name, TimeType type, String expression) {
    return new TestJob(name, type, expression);
  }

  static TestJob cron(String name, String expression) {
    return of(name, TimeType.CRON, expression);
  }

  static TestJob api(String name) {
    return of(name, TimeType.API, "");
  }

  TestJob expression(String value) {
    this.expression = value;
    return this;
  }

  TestJob retries(int maxAttempt, int attemptIntervalSeconds) {
    this.maxAttempt = maxAttempt;
    this.attemptIntervalSeconds = attemptIntervalSeconds;
    return this;
  }

  TestJob maxConcurrency(int value) {
    this.maxConcurrency = value;
    return this;
  }

  TestJob timeout(long seconds) {
    this.timeoutSeconds = seconds;
    return this;
  }

  TestJob queueing() {
    this.concurrencyPolicy = JobDefinition.QUEUE;
    return this;
  }

  TestJob disabled() {
    this.enabled = false;
    return this;
  }

  TestJob group(String value) {
    this.group = value;
    return this;
  }

  JobDefinition definition() {
    return new JobDefinition(
        0, group, name, "Hello", "standalone", "", type, expression, "", maxAttempt, attemptIntervalSeconds,
        0, 0, timeoutSeconds, maxConcurrency, enabled, "", "", concurrencyPolicy);
  }
}
