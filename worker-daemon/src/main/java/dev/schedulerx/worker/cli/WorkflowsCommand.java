package dev.schedulerx.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code workflows}: the workflows on the server with their schedule, policies and size. */
@Command(name = "workflows", mixinStandardHelpOptions = true, description = "List workflows with their schedule, policies and nodes.")
final class WorkflowsCommand extends ClientCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    JsonNode workflows = api().workflows();
    if (json) {
      printJson(workflows);
      return WorkerCommand.OK;
    }
    String format = "%-6s %-20s %-12s %-24s %-8s %-18s %-13s %s%n";
    out().printf(format, "ID", "NAME", "GROUP", "SCHEDULE", "ENABLED", "ON FAILURE", "CONCURRENCY", "NODES");
    for (JsonNode w : workflows) {
      String schedule = w.path("timeType").asText() + (w.path("timeExpression").isTextual() ? " " + w.path("timeExpression").asText() : "");
      StringBuilder nodes = new StringBuilder();
      for (JsonNode n : w.path("dag").path("nodes")) {
        nodes.append(nodes.length() == 0 ? "" : ",").append(n.path("jobName").asText(n.path("id").asText()));
      }
      out().printf(format, w.path("id").asText(), w.path("name").asText(), w.path("group").asText(), schedule,
          w.path("enabled").asBoolean() ? "yes" : "no", w.path("failurePolicy").asText(),
          w.path("maxConcurrency").asText() + " " + w.path("concurrencyPolicy").asText(), nodes.length() == 0 ? "-" : nodes);
    }
    return WorkerCommand.OK;
  }
}
