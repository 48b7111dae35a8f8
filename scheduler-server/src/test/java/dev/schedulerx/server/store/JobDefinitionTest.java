package dev.schedulerx.server.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Definitions are checked in Java, against the column sizes, before any database sees them. */
class JobDefinitionTest {

  @Test
  void definitionsAreValidated() {
    assertThatThrownBy(() -> withExecuteMode("serial"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "executeMode \"serial\": expected one of [standalone, broadcast, parallel, grid, batch, sharding]");
    assertThatThrownBy(() -> Jobs.cron("g", "n".repeat(256)))
        .hasMessage("name is 256 characters long, at most 255 are allowed");
    assertThatThrownBy(() -> Jobs.cron("", "n")).hasMessage("groupId must not be empty");
    assertThatThrownBy(() -> Jobs.cron("g", "a\u0000b"))
        .hasMessage("name must not contain the NUL character (U+0000)");
  }

  private static JobDefinition withExecuteMode(String mode) {
    JobDefinition j = Jobs.cron("g", "n");
    return new JobDefinition(
        0,
        j.groupId(),
        j.name(),
        j.processor(),
        mode,
        j.parameters(),
        j.timeType(),
        j.timeExpression(),
        j.timeZone(),
        j.maxAttempt(),
        j.attemptIntervalSeconds(),
        j.taskMaxAttempt(),
        j.taskAttemptIntervalSeconds(),
        j.timeoutSeconds(),
        j.maxConcurrency(),
        j.enabled(),
        j.xattrs(),
        j.description(), JobDefinition.SKIP);
  }
}
