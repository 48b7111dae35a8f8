package dev.schedulerx.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code designate JOB --workers|--labels|--any}: pins a job to chosen workers or worker labels. */
@Command(name = "designate", mixinStandardHelpOptions = true,
    description = "Pin a job to workers (host:port) or worker labels; --any lifts the pin.")
final class DesignateCommand extends ClientCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "JOB")
  String job;

  static final class Targets {
    @Option(names = "--workers", split = ",", description = "Worker addresses host:port (or worker ids)")
    List<String> workers;

    @Option(names = "--labels", split = ",", description = "Worker labels")
    List<String> labels;

    @Option(names = "--any", description = "Any worker of the group again")
    boolean any;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Targets targets;

  @Option(names = "--strict", description = "Fail runs while no designated worker is alive (default: fall back to the others)")
  boolean strict;

  @Override
  public Integer call() {
    String type = targets.any ? "none" : targets.workers != null ? "workers" : "labels";
    List<String> list = targets.any ? List.of() : targets.workers != null ? targets.workers : targets.labels;
    JsonNode answer = api().designate(job, type, list, !strict);
    if (json) {
      printJson(answer);
    } else {
      out().println(targets.any ? job + " runs on any worker" : job + " pinned to " + type + " " + list
          + (strict ? " (strict)" : " (falls back to other workers while none of them is alive)"));
    }
    return WorkerCommand.OK;
  }
}
