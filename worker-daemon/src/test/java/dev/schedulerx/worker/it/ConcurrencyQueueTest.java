package dev.schedulerx.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.instance.testplugins.AwaitFileProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Max concurrency 1 with concurrency policy "queue": triggers beyond the limit wait in the database and run
 * one after another, in order, instead of being SKIPPED. A daemon and a server in one JVM over real TCP/HTTP.
 */
class ConcurrencyQueueTest {
  private static final Duration DEADLINE = Duration.ofSeconds(15);

  @TempDir Path dir;
  private TestServer server;
  private TestDaemons daemons;
  private WorkerDaemon daemon;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    if (server != null) {
      server.close();
    }
    if (daemons != null) {
      daemons.close();
    }
  }

  @Test
  void threeTriggersOfAQueueingJobRunOneAfterAnotherInOrderNoneSkipped() throws Exception {
    server = TestServer.inMemory();
    daemons = new TestDaemons();
    daemon = daemons.start(server.domain(), TestServer.APP_KEY, dir);
    daemon.awaitReady(DEADLINE);
    server.upsertJob("slow", "AwaitFile", "\"maxConcurrency\":1,\"concurrencyPolicy\":\"queue\"");
    List<Path> releases = List.of(dir.resolve("r1"), dir.resolve("r2"), dir.resolve("r3"));

    long first = server.trigger("slow", releases.get(0).toString());
    awaitStarted(releases.get(0));
    long second = server.trigger("slow", releases.get(1).toString());
    long third = server.trigger("slow", releases.get(2).toString());
    List<Long> ids = List.of(first, second, third);

    // While the first runs, the others wait, stored WAITING and queued.
    for (long waiting : List.of(second, third)) {
      JsonNode instance = server.instance(waiting);
      assertThat(instance.path("state").asText()).isEqualTo("WAITING");
      assertThat(instance.path("queued").asBoolean()).as("queued flag of " + instance).isTrue();
    }
    for (int i = 0; i < 3; i++) {
      awaitStarted(releases.get(i));
      for (int later = i + 1; later < 3; later++) {
        assertThat(started(releases.get(later))).as("run " + (later + 1) + " while run " + (i + 1) + " runs").isFalse();
        assertThat(server.instance(ids.get(later)).path("state").asText()).isEqualTo("WAITING");
      }
      AwaitFileProcessor.release(releases.get(i), "run " + (i + 1));
      server.awaitFinished(ids.get(i), DEADLINE);
    }

    for (int i = 0; i < 3; i++) {
      JsonNode instance = server.instance(ids.get(i));
      assertThat(instance.path("state").asText()).isEqualTo("SUCCESS");
      assertThat(instance.path("result").asText()).isEqualTo("released: run " + (i + 1));
      assertThat(instance.path("queued").asBoolean()).isFalse();
      if (i > 0) {
        Instant previousEnd = Instant.parse(server.instance(ids.get(i - 1)).path("finishedAt").asText());
        assertThat(Instant.parse(instance.path("startedAt").asText()))
            .as("run %d starts after run %d ended", i + 1, i)
            .isAfterOrEqualTo(previousEnd);
      }
    }
  }

  @Test
  void thePolicyDefaultsToSkipAndAnUnknownOneIsRefusedNamingTheChoices() {
    server = TestServer.inMemory();
    server.upsertJob("plain", "Ok", "\"maxConcurrency\":1");
    assertThat(server.job("plain").path("spec").path("concurrencyPolicy").asText()).isEqualTo("skip");

    assertThatThrownBy(() -> server.upsertJob("plain", "Ok", "\"concurrencyPolicy\":\"wait\""))
        .hasMessageContaining("answered 400")
        .hasMessageContaining("concurrencyPolicy \\\"wait\\\": expected one of [skip, queue]");
    assertThat(server.job("plain").path("spec").path("concurrencyPolicy").asText()).isEqualTo("skip");
  }

  private void awaitStarted(Path release) {
    await().atMost(DEADLINE).until(() -> started(release));
  }

  private static boolean started(Path release) {
    return Files.exists(release.resolveSibling(release.getFileName() + ".started"));
  }
}
