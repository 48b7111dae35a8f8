package dev.schedulerx.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.config.WorkerSettings;
import dev.schedulerx.worker.it.TestDaemons;
import dev.schedulerx.worker.instance.testplugins.OkProcessor;
import dev.schedulerx.worker.it.TestServer;
import dev.schedulerx.worker.logs.InstanceLogShipping;
import dev.schedulerx.worker.logs.testplugins.LoggingMapProcessor;
import dev.schedulerx.worker.plugin.PluginUnit;
import dev.schedulerx.worker.testing.PluginJars;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import picocli.CommandLine;

/** The client commands against a real server and daemon in this JVM: --json parses, logs shows the processor's lines. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientCommandsJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private TestServer server;
  private WorkerDaemon daemon;
  private Path conf;

  /** Exit code, standard output and error of one command line. */
  record Result(int exit, String out, String err) {}

  @BeforeAll
  void start() throws Exception {
    server = TestServer.inMemory();
    WorkerSettings settings =
        TestDaemons.settings(server.domain(), TestServer.APP_KEY, dir, Map.of("worker.threads", 2));
    Path jar = PluginJars.write(dir.resolve("plugins/cli.jar"), List.of(LoggingMapProcessor.class, OkProcessor.class));
    daemon = WorkerDaemon.builder(settings).pluginSource(() -> List.of(PluginUnit.of(jar))).build().start();
    daemon.awaitReady(Duration.ofSeconds(20));
    server.upsertJob("logmap", "LoggingMap", "\"executeMode\":\"grid\",\"parameters\":\"3\"");
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
    Result run = cli("run", "logmap", "--wait", "--json");
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
    Result follow = cli("logs", Long.toString(id), "--follow", "--json");
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
    Result followRunning = cli("logs", triggered.path("instanceId").asText(), "--follow", "--json");
    assertThat(followRunning.exit()).as(followRunning.err()).isZero();
    assertThat(followRunning.out().lines()).hasSize(4);

    Result plain = cli("logs", Long.toString(id));
    assertThat(plain.out().lines().filter(l -> l.endsWith("sub-task 1 got value 1")))
        .singleElement().asString()
        .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  " + daemon.workerId() + " task 1  sub-task 1 got value 1");
  }

  @Test
  void logsOfAnUnknownInstanceIsAOneLineError() {
    Result result = cli("logs", "987654321");
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: no instance 987654321\n");
  }

  @Test
  void completionPrintsABashScriptCoveringCommandsAndOptions() {
    Result result = cli("completion");
    assertThat(result.exit()).isZero();
    assertThat(result.out())
        .contains("complete -F _complete_schedulerx-worker")
        .contains("logs").contains("--follow").contains("--json").contains("completion")
        .contains("ZSH_VERSION");
  }

  private Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = WorkerCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("--conf", conf.toString()));
    all.addAll(List.of(args));
    int exit = cl.execute(all.toArray(String[]::new));
    return new Result(exit, out.toString(), err.toString());
  }
}
