package dev.schedulerx.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code audit}: who created, changed, ran or deleted what, newest first. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Show the audit trail: who changed what, newest first.")
final class AuditCommand extends ClientCommand implements Callable<Integer> {
  @Option(names = "--group", description = "Only this group's entries")
  String group;

  @Option(names = "--type", description = "Only this object type: job, group, namespace, instance")
  String type;

  @Option(names = "--id", description = "Only this object (job id, group id, ...)")
  String id;

  @Option(names = "--limit", defaultValue = "50")
  int limit;

  @Override
  public Integer call() {
    JsonNode ops = api().operations(group, type, id, limit);
    if (json) {
      printJson(ops);
      return WorkerCommand.OK;
    }
    String format = "%-25s %-12s %-8s %-10s %-10s %-12s %s%n";
    out().printf(format, "TIME", "OPERATOR", "SOURCE", "ACTION", "TYPE", "ID", "GROUP");
    for (JsonNode op : ops) {
      out().printf(format, op.path("time").asText(), op.path("operator").asText(), op.path("source").asText(),
          op.path("operateType").asText(), op.path("objectType").asText(), op.path("objectId").asText(),
          op.path("groupId").asText("-"));
    }
    return WorkerCommand.OK;
  }
}
