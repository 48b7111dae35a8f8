package dev.schedulerx.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The built distribution (bin/ + target/), started the way a user starts it. */
final class Distribution {
  private Distribution() {}

  /** The repository root: the folder holding bin/schedulerx-worker. */
  static Path home() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("bin/schedulerx-worker"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("bin/schedulerx-worker not found above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** A file's text for a failure report; empty when it cannot be read. */
  static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  static Path examplesJar() {
    return builtJar(home().resolve("examples/target"), "schedulerx-examples-.*\\.jar");
  }

  /** The daemon's own JAR in worker-daemon/target (its dependencies are in lib/ and lib-server/ beside it). */
  static Path daemonJar() {
    return builtJar(home().resolve("worker-daemon/target"), "schedulerx-worker-daemon-.*\\.jar");
  }

  private static Path builtJar(Path folder, String namePattern) {
    try (Stream<Path> jars = Files.list(folder)) {
      return jars.filter(p -> p.getFileName().toString().matches(namePattern)).findFirst()
          .orElseThrow(() -> new IllegalStateException("no " + namePattern + " in " + folder + "; run mvn verify"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code dir}/plugins holding the examples JAR, the plugin most tests' daemons load. */
  static Path pluginsWithExamples(Path dir) throws IOException {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(examplesJar(), plugins.resolve("examples.jar"));
    return plugins;
  }

  /** Deletes {@code dir} and all below it: the temp dir of a class whose tests share one daemon. */
  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Output and exit code of one CLI invocation. */
  record CliResult(int exitCode, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }

    String lastLine() {
      List<String> lines = outLines();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
  }

  static final String WORKER = "bin/schedulerx-worker";
  static final String SERVER = "bin/schedulerx-server";

  static ProcessBuilder launcher(List<String> args) {
    return launcher(WORKER, args, "");
  }

  /**
   * @param script {@link #WORKER} or {@link #SERVER}
   * @param javaOpts extra JVM options, e.g. {@code -Dschedulerx.domain=…}
   */
  static ProcessBuilder launcher(String script, List<String> args, String javaOpts) {
    return launcher(home(), script, args, javaOpts);
  }

  /** As above, from the distribution at {@code home} (e.g. a worker-only copy) instead of the repository's. */
  static ProcessBuilder launcher(Path home, String script, List<String> args, String javaOpts) {
    List<String> command = new ArrayList<>();
    command.add(home.resolve(script).toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    // The reactor built everything already; the launcher must not start a nested build.
    pb.environment().put("SCHEDULERX_SKIP_BUILD", "1");
    pb.environment().put("JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 " + javaOpts);
    return pb;
  }

  /**
   * Runs {@code script} in bash after sourcing bin/launcher.sh as bin/schedulerx-worker does ($0 is that script of
   * {@code home}, {@code args} its arguments), without the launcher's environment overrides (SCHEDULERX_DOMAIN and the
   * like, JAVA_OPTS) and without build work (SCHEDULERX_SKIP_BUILD=1), then with {@code env} added (SCHEDULERX_SKIP_BUILD=0
   * lets it build and train); answers its output and errors, stripped.
   */
  static String sourcedLauncher(Path home, Map<String, String> env, String script, String... args) {
    List<String> command = new ArrayList<>(List.of("bash", "-c", ". \"$(dirname \"$0\")\"/launcher.sh && " + script,
        home.resolve(WORKER).toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    List.of("SCHEDULERX_DOMAIN", "SCHEDULERX_ENDPOINT", "SCHEDULERX_SERVER_EMBEDDED", "SCHEDULERX_JVM_DEFAULTS", "JAVA_OPTS")
        .forEach(pb.environment()::remove);
    pb.environment().put("SCHEDULERX_SKIP_BUILD", "1");
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("launcher script did not finish: " + script + "\n" + out);
      }
      return out.strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * What a daemon start does first when the archive is missing, older than a JAR or made by another JVM (with
   * {@code env} added, e.g. another JDK's JAVA_HOME); returns the JVM option the launcher then passes.
   * {@code mode}: nothing for the worker's archive, "embedded".
   */
  static String trainedArchiveOption(Path home, Map<String, String> env, String... mode) {
    Map<String, String> training = new HashMap<>(env);
    training.put("SCHEDULERX_SKIP_BUILD", "0");
    return sourcedLauncher(home, training, "sx_cds_opts train " + String.join(" ", mode) + " && echo \"$SX_CDS_OPTS\"");
  }

  /** Runs {@code bin/schedulerx-worker args…} to completion (bounded by {@code timeout}). */
  static CliResult cli(Duration timeout, String... args) {
    return cliWith(timeout, "", args);
  }

  /** Runs {@code bin/schedulerx-worker --conf conf args…}: the CLI aimed at a test's daemon. */
  static CliResult cli(Path conf, Duration timeout, String... args) {
    return cliWith(conf, timeout, "", args);
  }

  /** The same with extra JVM options. */
  static CliResult cliWith(Path conf, Duration timeout, String javaOpts, String... args) {
    List<String> all = new ArrayList<>(List.of("--conf", conf.toString()));
    all.addAll(List.of(args));
    return cliWith(timeout, javaOpts, all.toArray(String[]::new));
  }

  /** The same with extra JVM options (e.g. to use a standalone server). */
  static CliResult cliWith(Duration timeout, String javaOpts, String... args) {
    return cliIn(home(), timeout, javaOpts, args);
  }

  /** The same, with the CLI of the distribution at {@code home}. */
  static CliResult cliIn(Path home, Duration timeout, String javaOpts, String... args) {
    try {
      Path out = Files.createTempFile("sx-cli", ".out");
      Path err = Files.createTempFile("sx-cli", ".err");
      Process p = launcher(home, WORKER, List.of(args), javaOpts).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("bin/schedulerx-worker " + String.join(" ", args) + " did not finish within " + timeout
            + "; output so far: " + Files.readString(out));
      }
      CliResult result = new CliResult(p.exitValue(), Files.readString(out), Files.readString(err));
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * A daemon or standalone server process with its log file; {@link #close()} sends SIGTERM and waits.
   */
  static final class Daemon implements AutoCloseable {
    final Process process;
    final Path log;

    private Daemon(Process process, Path log) {
      this.process = process;
      this.log = log;
    }

    static Daemon start(Path conf, Path log, Duration readyWithin) {
      return start(conf, log, readyWithin, "");
    }

    static Daemon start(Path conf, Path log, Duration readyWithin, String javaOpts) {
      Daemon daemon = launch(conf, log, javaOpts);
      daemon.awaitReady(readyWithin);
      return daemon;
    }

    /** Starts {@code bin/schedulerx-server --conf conf} and waits for its "ready" line. */
    static Daemon startServer(Path conf, Path log, Duration readyWithin) {
      Daemon server = launch(SERVER, conf, log, "");
      server.awaitLine("scheduler server ready: ", readyWithin);
      return server;
    }

    /** Starts the process without waiting; see {@link #awaitReady}. */
    static Daemon launch(Path conf, Path log, String javaOpts) {
      return launch(WORKER, conf, log, javaOpts);
    }

    private static Daemon launch(String script, Path conf, Path log, String javaOpts) {
      return launch(home(), script, conf, log, javaOpts);
    }

    /** Starts {@code script} of the distribution at {@code home} without waiting. */
    static Daemon launch(Path home, String script, Path conf, Path log, String javaOpts) {
      return launch(launcher(home, script, List.of("--conf", conf.toString()), javaOpts), log);
    }

    /** Starts a launcher set up by the caller (e.g. with another JDK's JAVA_HOME), its output to {@code log}. */
    static Daemon launch(ProcessBuilder launcher, Path log) {
      try {
        return new Daemon(launcher.redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void awaitReady(Duration readyWithin) {
      awaitLine(": ready (", readyWithin);
    }

    /** Waits until the log contains {@code marker}; fails at once, with the log, if the process exits. */
    void awaitLine(String marker, Duration within) {
      await("\"" + marker + "\" in " + log).atMost(within).pollInterval(Duration.ofMillis(100))
          .until(() -> {
            if (!process.isAlive()) {
              throw new AssertionError(log.getFileName() + ": process exited with " + process.exitValue() + ":\n" + logText());
            }
            return logText().contains(marker);
          });
    }

    /** The worker id the daemon logged when it started. */
    String workerId() {
      var m = java.util.regex.Pattern.compile("worker (\\S+) listening on").matcher(logText());
      if (!m.find()) {
        throw new IllegalStateException("no worker id in " + log);
      }
      return m.group(1);
    }

    /** kill -9. */
    void crash() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }

    String logText() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    }

    /** SIGTERM, then waits for the process to end; returns its exit code. */
    int stop(Duration within) throws InterruptedException {
      process.destroy();
      if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("daemon did not stop within " + within + " after SIGTERM");
      }
      return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
  }
}
