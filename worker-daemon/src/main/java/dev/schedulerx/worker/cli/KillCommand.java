package dev.schedulerx.worker.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kill ID}: stops every task of a running instance on every worker; the instance ends KILLED. */
@Command(name = "kill", mixinStandardHelpOptions = true, description = "Kill a running instance: every task on every worker stops, the instance ends KILLED.")
final class KillCommand extends ClientCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "INSTANCE_ID")
  long id;

  @Override
  public Integer call() {
    String outcome = api().kill(id);
    if (json) {
      printJson(java.util.Map.of("message", outcome));
    } else {
      out().println(outcome);
    }
    return WorkerCommand.OK;
  }
}
