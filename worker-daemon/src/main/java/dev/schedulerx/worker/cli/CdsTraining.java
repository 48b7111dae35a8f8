package dev.schedulerx.worker.cli;

import dev.schedulerx.common.config.MergedReference;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.config.ConfigLoader;
import dev.schedulerx.worker.config.WorkerSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The training runs of the class-data sharing archives (bin/launcher.sh runs one per archive and build with
 * {@code -XX:ArchiveClassesAtExit}): what a daemon's start loads, done once in a throwaway directory. The CLI
 * parses its arguments, a config file is loaded, and a worker daemon starts, registers and stops.
 * <ul>
 *   <li>{@code CdsTraining <plugins-dir>}: the worker joins a standalone server started as a separate JVM on free
 *       loopback ports, so that the archive holds what a worker needs and no more: the JVM touches every page of
 *       an archive it maps, and a worker that joins a remote server should not carry the server's classes.
 *   <li>{@code CdsTraining <plugins-dir> embedded}: the worker starts its embedded server, as the default
 *       {@code conf/worker.conf} does; this archive holds both.
 * </ul>
 * Exit 0 once the worker registered.
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    MergedReference.useOnThisThread(CdsTraining.class); // as Main: makes the launcher's merged reference file
    Path work = Files.createTempDirectory("schedulerx-cds-");
    int status = 1;
    Process server = null;
    boolean embedded = args.length > 1 && args[1].equals("embedded");
    try {
      WorkerCommand.commandLine().setOut(new PrintWriter(new StringWriter())).execute("--version");
      String serverSettings;
      if (embedded) {
        serverSettings = "  server { embedded = true, http-port = 0 }";
      } else {
        int port = freePort();
        server = startServer(work, port);
        serverSettings = "  domain = \"127.0.0.1:" + port + "\"";
      }
      Path conf = work.resolve("worker.conf");
      Files.writeString(conf, String.join("\n",
          "schedulerx {",
          serverSettings,
          "  data-dir = \"" + work.resolve("data") + "\"",
          "  plugins-dir = \"" + (args.length > 0 ? args[0] : work.resolve("plugins")) + "\"",
          "  remoting { host = \"127.0.0.1\", port = 0 }",
          // The plugin scanner at its default, as a daemon starts it (its classes in the archive too).
          "  worker { http.port = 0, shutdown-grace = 1s }",
          "}", ""));
      // Not the process's environment: SCHEDULERX_DOMAIN and the like would send the training elsewhere.
      Main.daemonConf(new String[] {"--conf", conf.toString()}); // the daemon's entry point, archived with the rest
      WorkerSettings settings = new ConfigLoader(Map.of(), new Properties()).load(conf);
      try (WorkerDaemon daemon = WorkerDaemon.builder(settings).build()) {
        daemon.start(); // discovery retries until the server answers
        daemon.awaitReady(Duration.ofSeconds(120));
        status = 0;
      }
    } finally {
      if (server != null) {
        server.destroy();
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
      deleteTree(work);
    }
    System.exit(status);
  }

  /** bin/schedulerx-server's main class in a JVM of its own, same classpath, its output in the work dir. */
  private static Process startServer(Path work, int port) throws IOException {
    Path conf = work.resolve("server.conf");
    Files.writeString(conf, String.join("\n",
        "schedulerx-server {",
        "  host = \"127.0.0.1\"",
        "  http-port = " + port,
        "  remoting-port = 0",
        "  data-dir = \"" + work.resolve("server") + "\"",
        "  groups = [ { namespace = \"default\", group-id = \"examples\", app-key = \"local-dev-key\" } ]",
        "}", ""));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-Dschedulerx.log.appender=CONSOLE", "-cp", System.getProperty("java.class.path"),
        "dev.schedulerx.server.cli.ServerMain", "--conf", conf.toString());
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile()).start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
