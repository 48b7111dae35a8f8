package dev.schedulerx.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rerun JOB --from T --to T}: back-fills the job's schedule times in a past range, oldest first. */
@Command(name = "rerun", mixinStandardHelpOptions = true,
    description = "Back-fill: one run per schedule time of the job between --from and --to, oldest first, within its max concurrency.")
final class RerunCommand extends ClientCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "JOB")
  String job;

  @Option(names = "--from", required = true, description = "ISO-8601 instant (2026-12-01T00:00:00Z) or epoch milliseconds")
  String from;

  @Option(names = "--to", required = true, description = "ISO-8601 instant or epoch milliseconds")
  String to;

  @Option(names = "--parameters", description = "Instance parameters of every run")
  String parameters;

  @Override
  public Integer call() {
    JsonNode answer = api().rerun(job, from, to, parameters);
    if (json) {
      printJson(answer);
    } else {
      out().println(answer.path("instanceIds").size() + " runs of " + job + " queued: " + answer.path("instanceIds"));
    }
    return WorkerCommand.OK;
  }
}
