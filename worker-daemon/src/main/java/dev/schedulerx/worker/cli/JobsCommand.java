package dev.schedulerx.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code jobs}: the jobs on the server with their schedule and last status. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List jobs with their schedule and last status.")
final class JobsCommand extends ClientCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    JsonNode jobs = api().jobs();
    if (json) {
      printJson(jobs);
      return WorkerCommand.OK;
    }
    String format = "%-20s %-18s %-10s %-26s %-8s %-10s %s%n";
    out().printf(format, "NAME", "PROCESSOR", "MODE", "SCHEDULE", "ENABLED", "LAST", "LAST INSTANCE");
    for (JsonNode job : jobs) {
      JsonNode spec = job.path("spec");
      String schedule = spec.path("timeType").asText() + (spec.path("timeExpression").asText().isEmpty() ? "" : " " + spec.path("timeExpression").asText());
      out().printf(format,
          spec.path("name").asText(), spec.path("processor").asText(), spec.path("executeMode").asText(), schedule,
          spec.path("enabled").asBoolean() ? "yes" : "no", job.path("lastStatus").asText("-"), job.path("lastInstanceId").asText("-"));
    }
    return WorkerCommand.OK;
  }
}
