package dev.schedulerx.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.worker.client.ServerApiClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code run-workflow NAME [--params P] [--wait]}: runs a workflow now; with --wait prints a line per node state
 * change until the run ends, and exits 0 on SUCCESS, 1 otherwise.
 */
@Command(name = "run-workflow", mixinStandardHelpOptions = true,
    description = "Run a workflow now. With --wait, print node states until it ends; exit 0 on SUCCESS, 1 otherwise.")
final class RunWorkflowCommand extends ClientCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "WORKFLOW", description = "Workflow name or id")
  String workflow;

  @Option(names = "--params", description = "Instance parameters every node of this run receives")
  String params = "";

  @Option(names = "--wait", description = "Follow the run to its end, one line per node state change")
  boolean waitForEnd;

  @Option(names = "--timeout", description = "Give up waiting after this long (ISO-8601 or e.g. 10m). Default: ${DEFAULT-VALUE}", defaultValue = "30m")
  String timeout;

  @Override
  public Integer call() {
    ServerApiClient api = api();
    JsonNode run = api.runWorkflow(workflow, params);
    long id = run.path("id").asLong();
    String started = run.path("state").asText();
    if (!waitForEnd || !"RUNNING".equals(started) && !"WAITING".equals(started)) {
      if (json) {
        printJson(run);
      } else {
        out().println("workflow instance " + id + " of " + workflow + " " + started
            + (run.path("reason").isTextual() ? ": " + run.path("reason").asText() : ""));
      }
      return !waitForEnd || "SUCCESS".equals(started) ? WorkerCommand.OK : WorkerCommand.FAILED;
    }
    if (!json) {
      out().println("workflow instance " + id + " of " + workflow + " started");
      out().flush();
    }
    Map<String, String> shown = new HashMap<>();
    Instant deadline = Instant.now().plus(RunJobCommand.parseDuration(timeout));
    while (Instant.now().isBefore(deadline)) {
      JsonNode detail = api.workflowInstance(id);
      if (!json) {
        for (JsonNode node : detail.path("nodes")) {
          String name = node.path("jobName").asText();
          boolean decided = "condition".equals(node.path("type").asText()) && node.path("result").isTextual();
          String line = node.path("state").asText() + (decided ? " = " + node.path("result").asText() : "")
              + (node.path("jobInstanceId").isNumber() ? " (instance " + node.path("jobInstanceId").asText() + ")" : "");
          if (!line.equals(shown.put(name, line))) {
            out().printf("  %-20s %s%n", name, line);
          }
        }
        out().flush();
      }
      String state = detail.path("state").asText();
      if (RunJobCommand.isFinished(state)) {
        if (json) {
          printJson(detail);
        } else {
          out().println(state + " workflow instance " + id
              + (detail.path("reason").isTextual() ? ": " + detail.path("reason").asText() : ""));
        }
        return "SUCCESS".equals(state) ? WorkerCommand.OK : WorkerCommand.FAILED;
      }
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // polling the server, not synchronising a test
    }
    err().println("error: workflow instance " + id + " did not finish within " + timeout);
    return WorkerCommand.FAILED;
  }
}
