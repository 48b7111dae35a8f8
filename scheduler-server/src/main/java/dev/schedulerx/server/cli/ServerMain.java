package dev.schedulerx.server.cli;

import java.util.Set;

/** Entry point of {@code bin/schedulerx-server}. The only place that calls {@link System#exit}. */
public final class ServerMain {
  /** Subcommands that print for a person: the server's INFO log would only get in the way. */
  private static final Set<String> QUIET = Set.of("check-config", "help");

  private ServerMain() {}

  public static void main(String[] args) {
    for (String arg : args) {
      if (QUIET.contains(arg) && System.getProperty("schedulerx.log.level") == null) {
        System.setProperty("schedulerx.log.level", "WARN");
        break;
      }
    }
    System.exit(ServerCommand.commandLine().execute(args));
  }
}
