package dev.schedulerx.worker.cli;

import java.util.Set;

/** Entry point of {@code bin/schedulerx-worker}. The only place that calls {@link System#exit}. */
public final class Main {
  private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

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
    System.exit(WorkerCommand.commandLine().execute(args));
  }
}
