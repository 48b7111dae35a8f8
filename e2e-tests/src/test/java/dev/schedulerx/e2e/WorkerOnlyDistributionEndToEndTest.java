package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.e2e.Distribution.CliResult;
import dev.schedulerx.e2e.Distribution.Daemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker-only distribution as the README makes it: the built tree without worker-daemon/target/lib-server. Copied
 * here (bin/, conf/, the daemon's JAR and lib/), it carries none of the server's JARs, joins a standalone server
 * started from the full tree and runs a job; asked to embed a server, it stops at once naming the missing module.
 */
class WorkerOnlyDistributionEndToEndTest {
  private static final Duration READY = Duration.ofSeconds(90);
  private static final Duration STOP = Duration.ofSeconds(30);
  /** File names of the JARs a server brings: its own, the database, migrations, pool and HTTP stack. */
  private static final Pattern SERVER_JAR =
      Pattern.compile("(schedulerx-scheduler-server|h2|flyway-.*|HikariCP|javalin|jetty-.*|postgresql|mariadb-java-client)-[^/]*\\.jar");

  @TempDir Path dir;
  Path workerOnly;

  @BeforeEach
  void copyTheWorkerOnlyDistribution() throws IOException {
    workerOnly = dir.toRealPath().resolve("worker-only"); // as the launcher names its home: symbolic links resolved
    Path home = Distribution.home();
    copyTree(home.resolve("bin"), workerOnly.resolve("bin"));
    copyTree(home.resolve("conf"), workerOnly.resolve("conf"));
    Path target = home.resolve("worker-daemon/target");
    Path copiedTarget = Files.createDirectories(workerOnly.resolve("worker-daemon/target"));
    Path daemonJar = Distribution.daemonJar();
    Files.copy(daemonJar, copiedTarget.resolve(daemonJar.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
    copyTree(target.resolve("lib"), copiedTarget.resolve("lib"));
  }

  @Test
  void theBuildKeepsTheServersJarsApartFromTheWorkers() throws IOException {
    Path target = Distribution.home().resolve("worker-daemon/target");

    assertThat(jarNames(target.resolve("lib-server")))
        .as("the full distribution's server part")
        .anyMatch(name -> name.startsWith("schedulerx-scheduler-server-"))
        .anyMatch(name -> name.startsWith("h2-"))
        .anyMatch(name -> name.startsWith("flyway-core-"));
    assertThat(jarNames(target.resolve("lib")))
        .as("the worker's part")
        .isNotEmpty()
        .noneMatch(name -> SERVER_JAR.matcher(name).matches());
  }

  @Test
  void aWorkerOnlyDaemonJoinsAStandaloneServerAndRunsAJobWithoutAnyServerJar() throws Exception {
    int httpPort = Distribution.freePort();
    Path serverConf = Files.writeString(dir.resolve("server.conf"), """
        schedulerx-server {
          http-port = %d
          remoting-port = 0
          data-dir = "%s"
          groups = [{ namespace = "default", group-id = "worker-only-e2e", app-key = "e2e-key" }]
        }
        """.formatted(httpPort, dir.resolve("server-data")));
    Path workerConf = Files.writeString(dir.resolve("worker.conf"), """
        schedulerx {
          group-id = "worker-only-e2e"
          app-key = "e2e-key"
          plugins-dir = "%s"
          data-dir = "%s"
          remoting { host = "127.0.0.1", port = 0 }
          worker.http.port = 0
          jobs { hello { processor = "HelloWorld", time-type = api } }
        }
        """.formatted(Distribution.pluginsWithExamples(dir), dir.resolve("worker-data")));
    String join = ServerDistribution.joining(httpPort);

    try (Daemon server = Daemon.startServer(serverConf, dir.resolve("server.log"), READY);
        // -XshowSettings:properties: the JVM prints the class path it runs with (wildcards expanded) before main.
        Daemon daemon = Daemon.launch(workerOnly, Distribution.WORKER, workerConf, dir.resolve("worker.log"),
            join + " -XshowSettings:properties")) {
      daemon.awaitReady(READY);
      assertThat(server.logText()).contains("worker " + daemon.workerId() + " joined group worker-only-e2e");

      CliResult run = Distribution.cliIn(workerOnly, Duration.ofSeconds(60), join,
          "--conf", workerConf.toString(), "run", "hello", "--params", "world", "--wait");

      assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
      assertThat(run.lastLine()).matches("SUCCESS \\d+ hello world");
      List<String> classPath = classPathReported(daemon.logText());
      assertThat(classPath).as("the daemon's class path").isNotEmpty()
          .allMatch(entry -> entry.startsWith(workerOnly.toString()))
          .noneMatch(entry -> SERVER_JAR.matcher(Path.of(entry).getFileName().toString()).matches());
      assertThat(daemon.logText()).as("no server inside the daemon").doesNotContain("scheduler server ready");
      assertThat(daemon.stop(STOP)).as("daemon exit code after SIGTERM").isZero();
    }
  }

  @Test
  void aWorkerOnlyDaemonAskedToEmbedTheServerExitsWith2NamingTheMissingModule() throws Exception {
    Path conf = Files.writeString(dir.resolve("embedding.conf"), """
        schedulerx {
          plugins-dir = "%s"
          data-dir = "%s"
          remoting { host = "127.0.0.1", port = 0 }
          worker.http.port = 0
          server { embedded = true, http-port = %d }
        }
        """.formatted(dir.resolve("plugins"), dir.resolve("data"), Distribution.freePort()));

    try (Daemon daemon = Daemon.launch(workerOnly, Distribution.WORKER, conf, dir.resolve("embedding.log"), "")) {
      assertThat(daemon.process.waitFor(60, TimeUnit.SECONDS)).as("exited; log: " + daemon.logText()).isTrue();

      assertThat(daemon.process.exitValue()).as(daemon.logText()).isEqualTo(2);
      assertThat(daemon.logText().lines().filter(line -> line.startsWith("error: ")))
          .singleElement().asString()
          .contains("scheduler server is not on the class path (schedulerx-scheduler-server)")
          .contains("schedulerx.server.embedded = false");
      assertThat(daemon.logText()).as("no stack trace").doesNotContain("\tat ");
    }
  }

  /** The entries of the {@code java.class.path} that {@code -XshowSettings:properties} printed into {@code log}. */
  private static List<String> classPathReported(String log) {
    List<String> entries = new ArrayList<>();
    boolean inClassPath = false;
    for (String line : log.lines().toList()) {
      if (line.startsWith("    java.class.path = ")) {
        inClassPath = true;
        entries.add(line.substring(line.indexOf('=') + 1).strip());
      } else if (inClassPath && line.startsWith("        ")) {
        entries.add(line.strip()); // one entry per continuation line
      } else if (inClassPath) {
        break;
      }
    }
    return entries;
  }

  private static List<String> jarNames(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(f -> f.getFileName().toString()).filter(name -> name.endsWith(".jar")).toList();
    }
  }

  /** Copies {@code from} to {@code to} with permissions and times (the launchers stay executable). */
  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : paths.toList()) {
        Files.copy(source, to.resolve(from.relativize(source).toString()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }
}
