package dev.schedulerx.worker.cli;

import dev.schedulerx.common.config.MergedReference;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Set;

/** Entry point of {@code bin/schedulerx-worker}. The only place that calls {@link System#exit}. */
public final class Main {
  private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
  private static final String NETTY_JFR = "io.netty.jfr.enabled";

  /**
   * Subcommands that print for a person: the daemon's INFO log would only get in the way, and they must not
   * write into the daemon's log file.
   */
  private static final Set<String> QUIET =
      Set.of("run", "jobs", "plugins", "check-config", "workers", "status", "kill", "logs", "completion", "help");

  private Main() {}

  public static void main(String[] args) {
    // On 1-2 cores the common pool has one thread, and CompletableFuture then runs every *Async stage on a new
    // thread; Pekko's asks complete through such stages (pipeToSelf, thenApply on Scala's futures), so each ask
    // cost a thread start. Two threads make them run on the common pool. Set before anything touches the pool.
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
    // Netty's buffer allocator asks Flight Recorder whether to emit its allocation events, which loads about a
    // hundred JFR classes at start (~0.1 s of CPU); -Dio.netty.jfr.enabled=true brings the events back.
    if (System.getProperty(NETTY_JFR) == null) {
      System.setProperty(NETTY_JFR, "false");
    }
    for (String arg : args) {
      if (QUIET.contains(arg)) {
        if (System.getProperty("schedulerx.log.level") == null) {
          System.setProperty("schedulerx.log.level", "WARN");
        }
        if (System.getProperty("schedulerx.log.appender") == null) {
          System.setProperty("schedulerx.log.appender", "CONSOLE"); // conf/logback.xml: no log file
        }
        break;
      }
    }
    MergedReference.useOnThisThread(Main.class);
    Path daemonConf = daemonConf(args);
    if (daemonConf != null) {
      int status;
      try {
        status = WorkerCommand.runDaemon(daemonConf, new PrintWriter(System.err, true));
      } catch (InterruptedException e) {
        status = WorkerCommand.FAILED;
      }
      System.exit(status);
    }
    System.exit(WorkerCommand.commandLine().execute(args));
  }

  /**
   * The config file when the arguments only start the daemon (nothing, {@code --conf FILE}, {@code -c FILE},
   * {@code --conf=FILE}, {@code -cFILE}), else null: those go through picocli.
   */
  static Path daemonConf(String[] args) {
    if (args.length == 0) {
      return WorkerCommand.defaultConf();
    }
    if (args.length == 2 && (args[0].equals("--conf") || args[0].equals("-c")) && !args[1].startsWith("-")) {
      return Path.of(args[1]);
    }
    if (args.length == 1 && args[0].startsWith("--conf=") && args[0].length() > "--conf=".length()) {
      return Path.of(args[0].substring("--conf=".length()));
    }
    if (args.length == 1 && args[0].startsWith("-c") && !args[0].startsWith("-c=") && args[0].length() > 2 && !args[0].startsWith("--")) {
      return Path.of(args[0].substring(2));
    }
    return null;
  }
}
