package dev.schedulerx.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code alerts}: the server's alert history with send status, or a test alert to a channel. */
@Command(name = "alerts", mixinStandardHelpOptions = true,
    description = "List alerts the server raised, newest first, with where they went and whether they were sent.")
final class AlertsCommand extends ClientCommand implements Callable<Integer> {
  @Option(names = "--limit", defaultValue = "20", description = "How many (default ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--status", description = "Only PENDING, SENDING, SENT, FAILED or SUPPRESSED")
  String status;

  @Option(names = "--kind", description = "Only FAILURE, TIMEOUT, NO_WORKER, RECOVERY, SUCCESS, DIGEST, TEST, …")
  String kind;

  @Option(names = "--test", paramLabel = "CHANNEL", description = "Send a test alert to this configured channel instead")
  String testChannel;

  @Override
  public Integer call() {
    if (testChannel != null) {
      JsonNode queued = api().testAlert(testChannel);
      if (json) {
        printJson(queued);
      } else {
        out().println("test alert " + queued.path("alertId").asLong() + " queued for channel " + testChannel
            + " (see its status with: alerts --kind TEST)");
      }
      return WorkerCommand.OK;
    }
    JsonNode alerts = api().alerts(limit, status, kind);
    if (json) {
      printJson(alerts);
      return WorkerCommand.OK;
    }
    String format = "%-6s %-10s %-11s %-16s %-10s %-20s %-25s %s%n";
    out().printf(format, "ID", "KIND", "STATUS", "JOB", "INSTANCE", "TARGET", "CREATED", "LAST ERROR");
    for (JsonNode a : alerts) {
      out().printf(format, a.path("id").asText(), a.path("kind").asText(), a.path("status").asText(),
          a.path("jobName").asText("-").isEmpty() ? "-" : a.path("jobName").asText("-"),
          a.path("instanceId").isNull() ? "-" : a.path("instanceId").asText(), a.path("target").asText(),
          a.path("createdAt").asText(), a.path("lastError").isNull() ? "" : a.path("lastError").asText());
    }
    return WorkerCommand.OK;
  }
}
