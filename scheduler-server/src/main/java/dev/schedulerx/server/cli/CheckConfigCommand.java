package dev.schedulerx.server.cli;

import dev.schedulerx.server.config.ServerSettings;
import dev.schedulerx.server.store.JdbcUrls;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code check-config}: validates the config and prints what it resolves to, starting nothing. */
@Command(name = "check-config", mixinStandardHelpOptions = true, description = "Validate the config file and print the effective settings.")
final class CheckConfigCommand implements Callable<Integer> {
  @ParentCommand ServerCommand parent;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    ServerSettings s = parent.settings();
    dev.schedulerx.server.alert.AlertSettings alerting = parent.loader().alerting(parent.conf);
    dev.schedulerx.server.dispatch.MasterResume.Settings resume = parent.loader().resume(parent.conf);
    PrintWriter out = spec.commandLine().getOut();
    out.println("config " + parent.conf + " is valid");
    out.println("  http:       " + s.host() + ":" + s.httpPort());
    out.println("  remoting:   " + s.host() + ":" + (s.remotingPort() == 0 ? "any free port" : s.remotingPort()));
    out.println("  database:   " + JdbcUrls.redact(s.database().effectiveUrl(s.dataDir())) + " (user " + s.database().user()
        + ", pool " + s.database().poolSize() + ")");
    out.println("  resume:     " + (resume.enabled() ? "on, at most " + resume.maxResumes() + " hand-over(s) per instance" : "off"));
    out.println("  groups:     " + s.groups().stream().map(g -> g.namespace() + "/" + g.groupId()).toList());
    out.println("  alerting:   " + (alerting.enabled() ? "on" : "off") + ", channels "
        + alerting.channels().stream().map(c -> c.name() + " (" + c.type() + ")").toList());
    return ServerCommand.OK;
  }
}
