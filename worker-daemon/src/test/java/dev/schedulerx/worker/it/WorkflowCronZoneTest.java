package dev.schedulerx.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.workflow.WfInstance;
import dev.schedulerx.server.workflow.WfNode;
import dev.schedulerx.server.workflow.Workflow;
import dev.schedulerx.server.workflow.Workflows;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A cron workflow fires at the instant its own time zone gives the expression, on a real server (H2) and daemon:
 * the expression names a wall-clock second a few seconds ahead in Asia/Kathmandu (UTC+05:45, so neither UTC nor
 * any whole-hour zone reads it as a time due today within the test).
 */
class WorkflowCronZoneTest extends WorkflowTestBase {
  private static final Duration FIRE_DEADLINE = Duration.ofSeconds(30);
  private static final ZoneId ZONE = ZoneId.of("Asia/Kathmandu");

  @Test
  void aCronWorkflowFiresAtTheInstantItsTimeZoneGivesTheExpression() {
    long z = job("Z", "");
    ZonedDateTime fire = ZonedDateTime.now(ZONE).plusSeconds(5).truncatedTo(ChronoUnit.SECONDS);
    String cron = fire.getSecond() + " " + fire.getMinute() + " " + fire.getHour() + " * * ?";
    assertThat(fire.withZoneSameLocal(ZoneOffset.UTC).toInstant()).as("the same wall clock in UTC is another instant")
        .isNotEqualTo(fire.toInstant());
    Workflow w = workflows.create(new Workflows.Spec(TestServer.GROUP, "zoned", null, Workflow.CRON, cron, ZONE.getId(),
        null, null, null, true));
    workflows.updateDag(w.id(), "{\"nodes\":[{\"id\":" + z + "}],\"edges\":[]}");

    await("a scheduled run").atMost(FIRE_DEADLINE).until(() -> !workflows.runs(w.id(), 10).isEmpty());
    List<WfInstance> runs = workflows.runs(w.id(), 10);
    assertThat(runs).hasSize(1);
    WfInstance run = runs.get(0);
    assertThat(run.triggerType()).isEqualTo("SCHEDULE");
    assertThat(run.scheduleTime()).as("cron %s in %s", cron, ZONE).isEqualTo(fire.toInstant());
    assertThat(run.createdAt()).as("not before its time").isAfterOrEqualTo(fire.toInstant());

    await("run finished").atMost(FIRE_DEADLINE).until(() -> workflows.run(run.id()).run().state() == InstanceState.SUCCESS);
    WfNode node = workflows.run(run.id()).nodes().get(0);
    Instant started = Instant.parse(server.instance(node.jobInstanceId()).path("startedAt").asText());
    assertThat(started).as("the node started at the fire time, not before").isAfterOrEqualTo(fire.toInstant())
        .isBefore(fire.toInstant().plusSeconds(5));
  }
}
