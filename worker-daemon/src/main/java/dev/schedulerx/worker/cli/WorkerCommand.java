package dev.schedulerx.worker.cli;

import dev.schedulerx.common.config.ConfigError;
import dev.schedulerx.common.process.StopSignals;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.config.ConfigLoader;
import dev.schedulerx.worker.config.WorkerSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code schedulerx-worker [--conf FILE]} runs the daemon in the foreground; the subcommands talk to the
 * scheduler server the config points at, or inspect the local installation.
 */
@Command(
    name = "schedulerx-worker",
    mixinStandardHelpOptions = true,
    versionProvider = WorkerCommand.Version.class,
    description = "SchedulerX-compatible worker daemon. Without a subcommand: run the daemon in the foreground.",
    subcommands = {
      RunJobCommand.class, JobsCommand.class, JobChangeCommand.Create.class, JobChangeCommand.Update.class, WorkflowsCommand.class, RunWorkflowCommand.class, PluginsCommand.class, CheckConfigCommand.class, WorkersCommand.class,
      InstanceCommand.class, KillCommand.class, LogsCommand.class, GroupsCommand.class, GroupsCommand.Create.class,
      GroupsCommand.Update.class, GroupsCommand.Delete.class, RerunCommand.class, DesignateCommand.class,
      AuditCommand.class, AlertsCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class
    })
public final class WorkerCommand implements Callable<Integer> {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  // Inherited: `run job --conf x.conf` works as well as `--conf x.conf run job`.
  @Option(names = {"-c", "--conf"}, scope = CommandLine.ScopeType.INHERIT,
      description = "Config file (HOCON). Default: ${DEFAULT-VALUE}", defaultValue = "${sys:schedulerx.home:-.}/conf/worker.conf")
  Path conf;

  @Spec CommandLine.Model.CommandSpec spec;

  /** The command line with our exit codes: usage and config errors 2, failures 1. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new WorkerCommand());
    cl.setExpandAtFiles(false); // "@FILE" is ours: create-job --content @run.sh reads the script from the file
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          if (e instanceof ConfigError) {
            err.println("error: " + e.getMessage());
            return USAGE;
          }
          if (e instanceof dev.schedulerx.worker.client.ServerApiClient.ApiException) {
            err.println("error: " + e.getMessage());
            return FAILED;
          }
          err.println("error: " + e);
          return FAILED;
        });
    return cl;
  }

  /** Whether a person watches: stdin and stdout are a terminal (System.console() is null when either is piped). */
  static boolean stdoutIsTerminal() {
    return System.console() != null;
  }

  /** Loads and validates the config named by {@code --conf}. */
  WorkerSettings settings() {
    return ConfigLoader.forProcess().load(conf);
  }

  @Override
  public Integer call() throws Exception {
    return runDaemon(settings(), spec.commandLine().getErr());
  }

  /** The config file the daemon reads when {@code --conf} is not given. */
  static Path defaultConf() {
    return Path.of(System.getProperty("schedulerx.home", "."), "conf", "worker.conf");
  }

  /**
   * Runs the daemon until a stop signal. Also reached from {@link Main} without building the command line:
   * picocli reflects over every subcommand, a noticeable part of the daemon's start-up.
   */
  static int runDaemon(Path conf, PrintWriter err) throws InterruptedException {
    // Logback reads its configuration while the daemon's is parsed: neither needs the other (the logging
    // setup reads system properties only), and each was a sixth of the main thread's start.
    Thread logging = new Thread(LoggerFactory::getILoggerFactory, "logging-setup");
    logging.start();
    WorkerSettings settings;
    try {
      settings = ConfigLoader.forProcess().load(conf);
    } catch (ConfigError e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return USAGE;
    } finally {
      logging.join(); // before anything logs: a logger taken while logback starts would only be a stand-in
    }
    return runDaemon(settings, err);
  }

  private static int runDaemon(WorkerSettings settings, PrintWriter err) throws InterruptedException {
    WorkerDaemon daemon = WorkerDaemon.builder(settings).build();
    StopSignals stop = StopSignals.install();
    try {
      daemon.start();
      if (daemon.awaitReady(Duration.ofSeconds(60), stop.requested())) {
        stop.await();
      }
      return OK;
    } catch (ConfigError e) { // found at start, e.g. the embedded server asked for and not on the class path
      err.println("error: " + e.getMessage());
      err.flush();
      return USAGE;
    } catch (RuntimeException | java.util.concurrent.TimeoutException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return FAILED;
    } finally {
      daemon.close();
    }
  }

  /** {@code --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"schedulerx-worker " + WorkerDaemon.VERSION};
    }
  }
}
