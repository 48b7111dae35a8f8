package dev.schedulerx.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code status ID}: one instance as the server knows it. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show one instance: state, worker, result.")
final class InstanceCommand extends ClientCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "INSTANCE_ID")
  long id;

  @Override
  public Integer call() {
    JsonNode i = api().instance(id);
    if (json) {
      printJson(i);
      return WorkerCommand.OK;
    }
    out().println("instance " + i.path("id").asLong() + " of job " + i.path("jobName").asText() + " (attempt " + i.path("attempt").asInt() + ")");
    out().println("  state:    " + i.path("state").asText());
    out().println("  worker:   " + i.path("workerId").asText("-"));
    out().println("  schedule: " + i.path("scheduleTime").asText());
    out().println("  started:  " + i.path("startedAt").asText("-") + "  finished: " + i.path("finishedAt").asText("-"));
    out().println("  result:   " + i.path("result").asText(""));
    return WorkerCommand.OK;
  }
}
