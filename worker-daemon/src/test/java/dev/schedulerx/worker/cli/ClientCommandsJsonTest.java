package dev.schedulerx.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.config.WorkerSettings;
import dev.schedulerx.worker.it.TestDaemons;
import dev.schedulerx.worker.instance.testplugins.FailsOnceProcessor;
import dev.schedulerx.worker.instance.testplugins.OkProcessor;
import dev.schedulerx.worker.it.TestServer;
import dev.schedulerx.worker.logs.InstanceLogShipping;
import dev.schedulerx.worker.logs.testplugins.LoggingMapProcessor;
import dev.schedulerx.worker.plugin.PluginUnit;
import dev.schedulerx.worker.testing.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The client commands against a real server and daemon in this JVM: --json parses, logs shows the processor's lines. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientCommandsJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private TestServer server;
  private WorkerDaemon daemon;
  private Path conf;


  @BeforeAll
  void start() throws Exception {
    server = TestServer.inMemory();
    WorkerSettings settings =
        TestDaemons.settings(server.domain(), TestServer.APP_KEY, dir, Map.of("worker.threads", 2));
    Path jar = PluginJars.write(dir.resolve("plugins/cli.jar"), List.of(LoggingMapProcessor.class, OkProcessor.class, FailsOnceProcessor.class));
    daemon = WorkerDaemon.builder(settings).pluginSource(() -> List.of(PluginUnit.of(jar))).build().start();
    daemon.awaitReady(Duration.ofSeconds(20));
    server.upsertJob("logmap", "LoggingMap", "\"executeMode\":\"grid\",\"parameters\":\"3\"");
    server.upsertJob("failsonce", "FailsOnce", "\"maxAttempt\":1,\"attemptInterval\":1");
    conf = Files.writeString(dir.resolve("worker.conf"), "schedulerx { domain = \"" + server.domain() + "\", group-id = g }\n");
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
  void runStatusJobsWorkersAndLogsPrintJsonAndLogsPrintsTheProcessorsLines() throws Exception {
    CliRun run = cli("run", "logmap", "--wait", "--json");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode instance = JSON.readTree(run.out());
    assertThat(instance.path("state").asText()).isEqualTo("SUCCESS");
    long id = instance.path("id").asLong();

    assertThat(JSON.readTree(cli("status", Long.toString(id), "--json").out()).path("jobName").asText()).isEqualTo("logmap");
    assertThat(JSON.readTree(cli("jobs", "--json").out()).findValuesAsText("name")).contains("logmap");
    assertThat(JSON.readTree(cli("workers", "--json").out()).findValuesAsText("workerId")).contains(daemon.workerId());
    JsonNode triggered = JSON.readTree(cli("run", "logmap", "--json").out());
    assertThat(triggered.path("instanceId").asLong()).isGreaterThan(id);

    // --follow on a finished instance: prints what arrived, waits for stragglers, ends
    CliRun follow = cli("logs", Long.toString(id), "--follow", "--json");
    assertThat(follow.exit()).as(follow.err()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String text : follow.out().split("\n")) {
      lines.add(JSON.readTree(text));
    }
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0).path("message").asText()).isEqualTo("root task 0 maps 3 values");
    assertThat(lines.subList(1, 4)).extracting(l -> l.path("message").asText()) // sub-tasks run in parallel
        .containsExactlyInAnyOrder("sub-task 1 got value 1", "sub-task 2 got value 2", "sub-task 3 got value 3");
    for (JsonNode line : lines) {
      assertThat(line.path("message").asText()).contains("task " + line.path("taskId").asLong() + " ");
    }

    // --follow right after triggering: polls while the instance runs, ends once it has finished with every line
    CliRun followRunning = cli("logs", triggered.path("instanceId").asText(), "--follow", "--json");
    assertThat(followRunning.exit()).as(followRunning.err()).isZero();
    assertThat(followRunning.out().lines()).hasSize(4);

    CliRun plain = cli("logs", Long.toString(id));
    assertThat(plain.out().lines().filter(l -> l.endsWith("sub-task 1 got value 1")))
        .singleElement().asString()
        .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  " + daemon.workerId() + " task 1  sub-task 1 got value 1");
  }

  @Test
  void runWaitFollowsAFailedRunIntoItsRetryAndEndsWithTheRetrysOutcome() {
    CliRun run = cli("run", "failsonce", "--params", dir.resolve("failsonce.marker").toString(), "--wait");

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines).anyMatch(l -> l.matches("FAILED \\d+ first run fails; retried as instance \\d+ \\(attempt 1\\)"));
    assertThat(lines.get(lines.size() - 1)).matches("SUCCESS \\d+ second time lucky");
  }

  @Test
  void groupsAreCreatedReKeyedListedAndAuditedFromTheCli() throws Exception {
    CliRun created = cli("create-group", "cli-made", "--app-key", "k1", "--description", "from the CLI");
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(created.out()).isEqualTo("group cli-made created\n");
    assertThat(cli("update-group", "cli-made", "--app-key", "k2").exit()).isZero();

    JsonNode groups = JSON.readTree(cli("groups", "--json").out());
    assertThat(groups.findValuesAsText("groupId")).contains("g", "cli-made");
    JsonNode audit = JSON.readTree(cli("audit", "--group", "cli-made", "--json").out());
    assertThat(audit.findValuesAsText("operateType")).containsExactly("update", "create");
    assertThat(audit.get(0).path("objectLatest").asText()).as("keys stay out of the trail").contains("cli-made").doesNotContain("k2");

    CliRun duplicate = cli("create-group", "cli-made", "--app-key", "x");
    assertThat(duplicate.exit()).isEqualTo(1);
    assertThat(duplicate.err()).contains("group cli-made already exists");
  }

  @Test
  void logsOfAnUnknownInstanceIsAOneLineError() {
    CliRun result = cli("logs", "987654321");
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: no instance 987654321\n");
  }

  @Test
  void completionPrintsABashScriptCoveringCommandsAndOptions() {
    CliRun result = cli("completion");
    assertThat(result.exit()).isZero();
    assertThat(result.out())
        .contains("complete -F _complete_schedulerx-worker")
        .contains("logs").contains("--follow").contains("--json").contains("completion")
        .contains("ZSH_VERSION");
  }

  private CliRun cli(String... args) {
    return CliRun.of(conf, args);
  }
}
