package dev.schedulerx.worker.cli;

import dev.schedulerx.worker.client.ServerApiClient;
import dev.schedulerx.worker.config.WorkerSettings;
import java.io.PrintWriter;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Base of the subcommands that talk to the scheduler server the config points at. */
abstract class ClientCommand {
  @ParentCommand WorkerCommand parent;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  WorkerSettings settings() {
    return parent.settings();
  }

  ServerApiClient api() {
    WorkerSettings s = settings();
    return new ServerApiClient(s.serverHttpAddress(), s.groupId(), s.apiToken(), s.tls());
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
