package dev.schedulerx.server.cli;

import dev.schedulerx.common.config.ConfigError;
import dev.schedulerx.common.process.StopSignals;
import dev.schedulerx.server.SchedulerServer;
import dev.schedulerx.server.config.ServerSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code schedulerx-server [--conf FILE]} runs the scheduler server in the foreground until SIGTERM or
 * SIGINT; {@code check-config} only validates the config.
 */
@Command(
    name = "schedulerx-server",
    mixinStandardHelpOptions = true,
    versionProvider = ServerCommand.Version.class,
    description = "Self-hosted SchedulerX-compatible scheduler server. Without a subcommand: run it in the foreground.",
    subcommands = {CheckConfigCommand.class, CommandLine.HelpCommand.class})
public final class ServerCommand implements Callable<Integer> {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  @Option(
      names = {"-c", "--conf"},
      description = "Config file (HOCON). Default: ${DEFAULT-VALUE}",
      defaultValue = "${sys:schedulerx.home:-.}/conf/server.conf")
  Path conf;

  @Spec CommandLine.Model.CommandSpec spec;

  private final ServerConfigLoader loader;
  private final Supplier<StopSignals> signals;

  private ServerCommand(ServerConfigLoader loader, Supplier<StopSignals> signals) {
    this.loader = loader;
    this.signals = signals;
  }

  /** The command line of this process: its environment and system properties override the file. */
  public static CommandLine commandLine() {
    return commandLine(ServerConfigLoader.forProcess(), StopSignals::install);
  }

  /**
   * For tests: the given environment and system properties instead of the process's, and no signal
   * handlers.
   */
  static CommandLine commandLine(Map<String, String> env, Properties systemProperties) {
    return commandLine(new ServerConfigLoader(env, systemProperties), StopSignals::notInstalled);
  }

  /** Our exit codes: usage and config errors 2, failures 1. */
  private static CommandLine commandLine(ServerConfigLoader loader, Supplier<StopSignals> signals) {
    CommandLine cl = new CommandLine(new ServerCommand(loader, signals));
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          err.println("error: " + (e instanceof ConfigError ? e.getMessage() : e.toString()));
          return e instanceof ConfigError ? USAGE : FAILED;
        });
    return cl;
  }

  ServerConfigLoader loader() {
    return loader;
  }

  /** Loads and validates the config named by {@code --conf}. */
  ServerSettings settings() {
    return loader.load(conf);
  }

  @Override
  public Integer call() throws InterruptedException {
    ServerSettings settings = settings();
    dev.schedulerx.server.alert.AlertSettings alerting = loader.alerting(conf);
    StopSignals stop = signals.get();
    try (SchedulerServer server = SchedulerServer.builder(settings).alerting(alerting).resume(loader.resume(conf)).build()) {
      try {
        server.start(); // logs "scheduler server ready: …"
      } catch (RuntimeException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return FAILED;
      }
      stop.await();
      return OK;
    }
  }

  /** {@code --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"schedulerx-server " + SchedulerServer.VERSION};
    }
  }
}
