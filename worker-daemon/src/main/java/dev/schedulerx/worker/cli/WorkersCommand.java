package dev.schedulerx.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code workers}: the live workers the server knows. */
@Command(name = "workers", mixinStandardHelpOptions = true, description = "List live workers with their group and last heartbeat.")
final class WorkersCommand extends ClientCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    if (json) {
      printJson(api().workers());
      return WorkerCommand.OK;
    }
    String format = "%-30s %-12s %-22s %-8s %s%n";
    out().printf(format, "WORKER", "GROUP", "ADDRESS", "STARTER", "LAST HEARTBEAT");
    for (JsonNode w : api().workers()) {
      JsonNode address = w.path("address");
      out().printf(format, address.path("workerId").asText(), w.path("groupId").asText(),
          address.path("host").asText() + ":" + address.path("port").asText(), w.path("starter").asText(), w.path("lastHeartbeat").asText());
    }
    return WorkerCommand.OK;
  }
}
