package dev.schedulerx.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.config.WorkerSettings;
import dev.schedulerx.worker.instance.testplugins.OkProcessor;
import dev.schedulerx.worker.it.TestDaemons;
import dev.schedulerx.worker.it.TestServer;
import dev.schedulerx.worker.plugin.PluginUnit;
import dev.schedulerx.worker.testing.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code create-job} and {@code update-job} against a real server (with an API token, which script jobs need) and a
 * daemon that runs scripts: a shell job whose script is read from a file runs, its output in the instance's log;
 * changed to fail, its last line is the result.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "cli-jobs-token";

  @TempDir static Path dir;
  private TestServer server;
  private WorkerDaemon daemon;
  private Path conf;


  @BeforeAll
  void start() throws Exception {
    server = TestServer.inMemoryWithToken(TOKEN);
    WorkerSettings settings = TestDaemons.settings(server.domain(), TestServer.APP_KEY, dir,
        Map.of("api-token", TOKEN, "worker.scripts.enabled", true));
    Path jar = PluginJars.write(dir.resolve("plugins/cli.jar"), List.of(OkProcessor.class));
    daemon = WorkerDaemon.builder(settings).pluginSource(() -> List.of(PluginUnit.of(jar))).build().start();
    daemon.awaitReady(Duration.ofSeconds(20));
    conf = Files.writeString(dir.resolve("worker.conf"),
        "schedulerx { domain = \"" + server.domain() + "\", group-id = g, api-token = \"" + TOKEN + "\" }\n");
  }

  @AfterAll
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aShellJobCreatedFromAFileRunsAndUpdateChangesOnlyTheFieldsGiven() throws Exception {
    Path script = Files.writeString(dir.resolve("report.sh"), "echo \"counting\"\necho \"total $((20+22))\"\n");
    CliRun created = cli("create-job", "report", "--type", "shell", "--content", "@" + script, "--time-type", "cron",
        "--time-expression", "0 0 3 * * ?", "--enabled", "false");
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(created.out().strip()).isEqualTo("job report created (group g, shell, standalone, cron 0 0 3 * * ?)");
    JsonNode spec = server.job("report").path("spec");
    assertThat(spec.path("jobType").asText()).isEqualTo("shell");
    assertThat(spec.path("content").asText()).isEqualTo(Files.readString(script));
    assertThat(spec.path("enabled").asBoolean()).isFalse();

    CliRun run = cli("run", "report", "--wait", "--json");
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    long id = JSON.readTree(run.out()).path("id").asLong();
    await().atMost(Duration.ofSeconds(20)).until(() -> cli("logs", Long.toString(id)).out().contains("total 42"));
    assertThat(cli("logs", Long.toString(id)).out()).contains("counting");

    CliRun again = cli("create-job", "report", "--type", "shell", "--content", "echo x");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("job report exists in group g: change it with update-job");

    CliRun updated = cli("update-job", "report", "--content", "echo \"disk full\"; exit 3", "--json");
    assertThat(updated.exit()).as(updated.err()).isZero();
    JsonNode after = JSON.readTree(updated.out()).path("spec");
    assertThat(after.path("content").asText()).isEqualTo("echo \"disk full\"; exit 3");
    assertThat(after.path("timeExpression").asText()).as("kept").isEqualTo("0 0 3 * * ?");
    assertThat(after.path("enabled").asBoolean()).as("kept").isFalse();
    CliRun failed = cli("run", "report", "--wait");
    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.out()).contains("FAILED").contains("disk full");

    JsonNode audit = server.call("GET", "/api/v1/operations?objectType=job&objectId=" + spec.path("id").asText(
        server.job("report").path("id").asText()), null);
    assertThat(audit.toString()).contains("create", "update");
  }

  @Test
  void aJavaJobNeedsAProcessorAScriptJobItsContentAndAnUnknownJobCannotBeUpdated() {
    CliRun java = cli("create-job", "plain", "--processor", "Ok", "--parameters", "p1");
    assertThat(java.exit()).as(java.err()).isZero();
    assertThat(java.out().strip()).isEqualTo("job plain created (group g, processor Ok, standalone, api)");
    assertThat(server.job("plain").path("spec").path("parameters").asText()).isEqualTo("p1");

    CliRun noProcessor = cli("create-job", "broken");
    assertThat(noProcessor.exit()).isEqualTo(2);
    assertThat(noProcessor.err()).contains("a java job needs --processor");
    CliRun noContent = cli("create-job", "broken", "--type", "python");
    assertThat(noContent.exit()).isEqualTo(2);
    assertThat(noContent.err()).contains("a python job needs --content");
    CliRun noFile = cli("create-job", "broken", "--type", "shell", "--content", "@" + dir.resolve("missing.sh"));
    assertThat(noFile.exit()).isEqualTo(2);
    assertThat(noFile.err()).contains("cannot read").contains("missing.sh");
    CliRun badType = cli("create-job", "broken", "--type", "cobol", "--content", "x");
    assertThat(badType.exit()).isEqualTo(1);
    assertThat(badType.err()).contains("jobType \"cobol\"");
    CliRun unknown = cli("update-job", "nosuch", "--parameters", "x");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("nosuch");
  }

  private CliRun cli(String... args) {
    return CliRun.of(conf, args);
  }
}
