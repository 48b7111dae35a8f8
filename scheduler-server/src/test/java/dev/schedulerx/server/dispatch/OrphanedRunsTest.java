package dev.schedulerx.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.protocol.WorkerAddress;
import dev.schedulerx.server.registry.WorkerInfo;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.TriggerType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A new leader's check of the runs its predecessor left unfinished (after the workers' grace to re-register). A run
 * whose master is not stored was either never handed out (RunLeftByThePreviousLeaderTest in worker-daemon: it is
 * handed out then), or accepted just before the previous leader stopped, before it stored the start: the workers'
 * heartbeats tell the two apart, as they list the runs each is master of.
 */
class OrphanedRunsTest {
  private SchedulingFixture server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aRunALiveWorkerReportsRunningKeepsRunningThereAndItsEndCounts() {
    SchedulingFixture s = server = new SchedulingFixture(MutableClock.at("2026-03-01T00:00:00Z"));
    JobDefinition job = s.save(TestJob.api("left-by-the-previous-leader"));
    Instant created = s.clock.instant();
    // As a previous leader left them: created, no master stored.
    JobInstance taken = s.instances.create(job.id(), job.groupId(), job.name(), created, TriggerType.API, "", 0, created).orElseThrow();
    s.registry.heartbeat(new WorkerInfo(SchedulingFixture.GROUP, new WorkerAddress("w1", "127.0.0.1", 7001), "test", "java", "",
        "{}", List.of(taken.id()), Instant.EPOCH, Instant.EPOCH));
    s.clock.advance(Duration.ofSeconds(30));

    s.ends.settleOrphans(s.clock.instant());

    JobInstance kept = s.instances.findById(taken.id()).orElseThrow();
    assertThat(kept.state()).isEqualTo(InstanceState.RUNNING);
    assertThat(kept.workerId()).isEqualTo("w1");
    assertThat(kept.workerAddr()).isEqualTo("127.0.0.1:7001");
    assertThat(s.runs(job)).as("no second run").hasSize(1);

    s.lifecycle.onStatusReport(new StatusReport(job.id(), taken.id(), InstanceState.SUCCESS.value(), "done", null, "w1")).join();

    JobInstance ended = s.instances.findById(taken.id()).orElseThrow();
    assertThat(ended.state()).isEqualTo(InstanceState.SUCCESS);
    assertThat(ended.result()).isEqualTo("done");
  }
}
