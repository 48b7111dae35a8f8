package dev.schedulerx.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.server.alert.AlertSettings;
import dev.schedulerx.server.alert.ChannelSettings;
import dev.schedulerx.worker.it.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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

    String[] queued = cli(conf, "alerts", "--test", "pager");
    assertThat(queued[0]).isEqualTo("0");
    assertThat(queued[1]).matches("test alert \\d+ queued for channel pager \\(see its status with: alerts --kind TEST\\)\\n");

    await().atMost(Duration.ofSeconds(20)).until(() -> JSON.readTree(cli(conf, "alerts", "--json", "--status", "FAILED")[1])
        .size() == 1);
    JsonNode failed = JSON.readTree(cli(conf, "alerts", "--json", "--status", "FAILED")[1]).get(0);
    assertThat(failed.path("kind").asText()).isEqualTo("TEST");
    assertThat(failed.path("target").asText()).isEqualTo("pager");
    assertThat(failed.path("lastError").asText()).contains("unreachable");
    String table = cli(conf, "alerts")[1];
    assertThat(table.lines().findFirst().orElseThrow()).startsWith("ID     KIND       STATUS");
    assertThat(table).contains("TEST").contains("FAILED").contains("pager").doesNotContain("s3cret");
  }

  private static String[] cli(Path conf, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = WorkerCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("--conf", conf.toString()));
    all.addAll(List.of(args));
    int exit = cl.execute(all.toArray(String[]::new));
    return new String[] {Integer.toString(exit), out.toString(), err.toString()};
  }
}
