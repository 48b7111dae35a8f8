package dev.schedulerx.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.server.config.ServerSettings;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.ServerDatabase;
import dev.schedulerx.server.store.TriggerType;
import dev.schedulerx.worker.WorkerDaemon;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leader that stops between creating a run and handing it to a worker (a workflow fan-out's children are created,
 * then submitted) leaves a run no worker ever had. The next leader, once its workers had their time to re-register,
 * hands it out as it is: it runs once, with its parameters, and ends as its processor says, where it used to fail as
 * "not accepted by any worker".
 */
class RunLeftByThePreviousLeaderTest {
  /** The test server's worker timeout (9 s), the new leader's grace before it looks at runs it did not create, and margin. */
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void aRunThePreviousLeaderCreatedButNeverHandedOutRunsOnceUnderTheNextLeader() throws Exception {
    int httpPort = TestServer.freePort();
    Path database = dir.resolve("server");
    long jobId;
    try (TestServer previous = TestServer.onDisk(database, httpPort)) {
      previous.upsertJob("left", "Parameters", "\"parameters\":\"from-job\"");
      jobId = previous.jobId("left");
    }
    JobInstance left;
    // What the previous leader wrote before it stopped: the run, and nothing about a worker.
    try (ServerDatabase db = ServerDatabase.open(new ServerSettings.DatabaseSettings("", "sa", "", 1).effectiveUrl(database), "sa", "", 1)) {
      Instant now = Instant.now();
      left = new InstanceRepository(db.dataSource())
          .create(jobId, TestServer.GROUP, "left", now, TriggerType.API, "from-the-previous-leader", 0, now).orElseThrow();
    }

    try (TestServer next = TestServer.onDisk(database, httpPort);
        TestDaemons daemons = new TestDaemons();
        WorkerDaemon daemon = daemons.start(next.domain(), TestServer.APP_KEY, dir.resolve("worker"))) {
      daemon.awaitReady(DEADLINE);

      JsonNode run = next.awaitFinished(left.id(), DEADLINE);

      assertThat(run.path("state").asText()).isEqualTo("SUCCESS");
      assertThat(run.path("result").asText()).isEqualTo("job=from-job instance=from-the-previous-leader");
      assertThat(run.path("workerId").asText()).isEqualTo(daemon.workerId());
      assertThat(next.call("GET", "/api/v1/jobs/left/instances", null)).as("no retry, no second run").hasSize(1);
    }
  }
}
