package dev.schedulerx.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.server.alert.AlertSettings;
import dev.schedulerx.server.alert.ChannelSettings;
import dev.schedulerx.worker.it.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code alerts}: the history with send status, and {@code --test} to a channel, against a real server. */
class AlertsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aTestAlertToAnUnreachableChannelShowsUpFailedWithItsError() throws Exception {
    int deadPort = TestServer.freePort();
    server = TestServer.withAlerting(AlertSettings.DEFAULT.withChannels(List.of(new ChannelSettings("pager", "webhook",
        "http://127.0.0.1:" + deadPort + "/hook?token=s3cret", "", "", false, List.of(), List.of(), 0, null, List.of(),
        null)), List.of()).withRetry(1));
    Path conf = Files.writeString(dir.resolve("worker.conf"), "schedulerx { domain = \"" + server.domain() + "\", group-id = g }\n");

    CliRun queued = CliRun.of(conf, "alerts", "--test", "pager");
    assertThat(queued.exit()).as(queued.err()).isZero();
    assertThat(queued.out()).matches("test alert \\d+ queued for channel pager \\(see its status with: alerts --kind TEST\\)\\n");

    await().atMost(Duration.ofSeconds(20)).until(() -> JSON.readTree(CliRun.of(conf, "alerts", "--json", "--status", "FAILED").out())
        .size() == 1);
    JsonNode failed = JSON.readTree(CliRun.of(conf, "alerts", "--json", "--status", "FAILED").out()).get(0);
    assertThat(failed.path("kind").asText()).isEqualTo("TEST");
    assertThat(failed.path("target").asText()).isEqualTo("pager");
    assertThat(failed.path("lastError").asText()).contains("unreachable");
    String table = CliRun.of(conf, "alerts").out();
    assertThat(table.lines().findFirst().orElseThrow()).startsWith("ID     KIND       STATUS");
    assertThat(table).contains("TEST").contains("FAILED").contains("pager").doesNotContain("s3cret");
  }

}
