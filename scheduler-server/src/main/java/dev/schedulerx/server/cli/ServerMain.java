package dev.schedulerx.server.cli;

import dev.schedulerx.common.config.MergedReference;
import java.util.Set;

/** Entry point of {@code bin/schedulerx-server}. The only place that calls {@link System#exit}. */
public final class ServerMain {
  /** Subcommands that print for a person: the server's INFO log would only get in the way. */
  private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private static final Set<String> QUIET = Set.of("check-config", "help");

  private ServerMain() {}

  public static void main(String[] args) {
    // On 1-2 cores the common pool has one thread, and CompletableFuture then runs every *Async stage on a new
    // thread; Pekko's asks complete through such stages (pipeToSelf, thenApply on Scala's futures), so each ask
    // cost a thread start. Two threads make them run on the common pool. Set before anything touches the pool.
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
    for (String arg : args) {
      if (QUIET.contains(arg) && System.getProperty("schedulerx.log.level") == null) {
        System.setProperty("schedulerx.log.level", "WARN");
        break;
      }
    }
    MergedReference.useOnThisThread(ServerMain.class);
    System.exit(ServerCommand.commandLine().execute(args));
  }
}
