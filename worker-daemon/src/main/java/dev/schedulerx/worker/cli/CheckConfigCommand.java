package dev.schedulerx.worker.cli;

import dev.schedulerx.worker.config.WorkerSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code check-config}: validates the config and prints what it resolves to, starting nothing. */
@Command(name = "check-config", mixinStandardHelpOptions = true, description = "Validate the config file and print the effective settings.")
final class CheckConfigCommand extends ClientCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    WorkerSettings s = settings();
    out().println("config " + parent.conf + " is valid");
    out().println("  group:        " + s.namespace() + "/" + s.groupId());
    out().println("  server:       " + (s.hostsServer() ? "embedded, http " + s.serverHttpAddress() : s.domain().isBlank() ? "endpoint " + s.endpoint() : s.domain()));
    out().println("  remoting:     " + s.remotingHost() + ":" + (s.remotingPort() == 0 ? "any free port" : s.remotingPort()));
    out().println("  http:         " + s.http().host() + ":" + (s.http().port() == 0 ? "any free port" : s.http().port()) + " (/healthz, /metrics)");
    out().println("  plugins-dir:  " + s.pluginsDir());
    out().println("  data-dir:     " + s.dataDir());
    out().println("  jobs:         " + s.jobs().stream().map(j -> j.name()).toList());
    return WorkerCommand.OK;
  }
}
