package dev.schedulerx.server.workflow;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A workflow definition as stored.
 *
 * @param timeType 1 cron ({@code timeExpression} in {@code timeZone}, server zone when null) or 100 api
 * @param maxConcurrency how many runs may be unfinished at once; {@code concurrencyPolicy} says what a trigger
 *     beyond it does: {@link #SKIP} (recorded SKIPPED) or {@link #QUEUE} (waits for a free slot)
 * @param failurePolicy {@link #BLOCK_DESCENDANTS} (a failed node blocks only its descendants) or {@link
 *     #FAIL_FAST} (the first failure stops the run's running nodes)
 * @param monitorConfig the workflow's own alert rules (SchedulerX's monitorConfig JSON); null or empty = its app
 *     group's
 * @param contact the workflow's own alert contacts (SchedulerX's contact JSON); null or empty = its app group's
 */
public record Workflow(
    long id,
    String groupId,
    String name,
    String description,
    int timeType,
    String timeExpression,
    String timeZone,
    int maxConcurrency,
    String concurrencyPolicy,
    String failurePolicy,
    boolean enabled,
    Dag dag,
    Instant createdAt,
    Instant updatedAt,
    String monitorConfig,
    String contact) {

  public static final int CRON = 1;
  public static final int API = 100;
  public static final String SKIP = "skip";
  public static final String QUEUE = "queue";
  public static final String BLOCK_DESCENDANTS = "block-descendants";
  public static final String FAIL_FAST = "fail-fast";
  public static final List<String> FAILURE_POLICIES = List.of(BLOCK_DESCENDANTS, FAIL_FAST);
  public static final List<String> CONCURRENCY_POLICIES = List.of(SKIP, QUEUE);

  public Workflow {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(concurrencyPolicy, "concurrencyPolicy");
    Objects.requireNonNull(failurePolicy, "failurePolicy");
    Objects.requireNonNull(dag, "dag");
  }

  /** A workflow without alert settings of its own. */
  public Workflow(long id, String groupId, String name, String description, int timeType, String timeExpression,
      String timeZone, int maxConcurrency, String concurrencyPolicy, String failurePolicy, boolean enabled, Dag dag,
      Instant createdAt, Instant updatedAt) {
    this(id, groupId, name, description, timeType, timeExpression, timeZone, maxConcurrency, concurrencyPolicy,
        failurePolicy, enabled, dag, createdAt, updatedAt, null, null);
  }

  public Workflow withDag(Dag newDag) {
    return new Workflow(id, groupId, name, description, timeType, timeExpression, timeZone, maxConcurrency,
        concurrencyPolicy, failurePolicy, enabled, newDag, createdAt, updatedAt, monitorConfig, contact);
  }

  public Workflow withEnabled(boolean on) {
    return new Workflow(id, groupId, name, description, timeType, timeExpression, timeZone, maxConcurrency,
        concurrencyPolicy, failurePolicy, on, dag, createdAt, updatedAt, monitorConfig, contact);
  }
}
