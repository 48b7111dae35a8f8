package dev.schedulerx.interop;

import dev.schedulerx.interop.official.OfficialWorkerMain;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The official SchedulerX Java worker (schedulerx2-worker) in its own JVM, via {@link OfficialWorkerMain}. */
final class OfficialWorkerProcess {
  /**
   * What the official worker needs on Java 17: its Hessian serializer reflects into java.lang when it first
   * runs (StackTraceElement's fields; map jobs otherwise fail with ExceptionInInitializerError), into JDK
   * collections of task objects (java.util, e.g. List.of's writeReplace) and into java.math numbers. Its
   * Akka 2.4 classic remoting needs no flag.
   */
  static final List<String> ADD_OPENS = List.of(
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.math=ALL-UNNAMED");

  private OfficialWorkerProcess() {}

  /**
   * This test JVM's classpath without our own modules' classes (our protocol classes share names with the
   * official worker's): the official JAR and its dependencies, and the test classes with its processors.
   */
  static String classpath() {
    Path home = Processes.home();
    Path ownTestClasses = home.resolve("interop-tests");
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> {
          Path p = Path.of(entry).toAbsolutePath();
          return !p.startsWith(home) || p.startsWith(ownTestClasses);
        })
        .filter(entry -> !entry.contains("/dev/schedulerx/"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** Starts and waits until the worker's {@code init()} returned. */
  static Processes start(String name, String domain, Path log, String heap) {
    Processes worker = launch(name, domain, log, heap);
    try {
      awaitStarted(worker);
    } catch (RuntimeException | AssertionError e) {
      worker.close(); // a worker that never started must not outlive the test
      throw e;
    }
    return worker;
  }

  static void awaitStarted(Processes worker) {
    worker.awaitLine(OfficialWorkerMain.STARTED, Duration.ofSeconds(90));
  }

  /**
   * Whether a worker of {@code GET /api/v1/workers} is an official one: it reports the version of its jar, 1.11.x
   * (1.11.4 says 1.11.3). Not its starter: our daemon also says "java", as the official worker does.
   */
  static boolean isOfficial(com.fasterxml.jackson.databind.JsonNode worker) {
    return worker.path("version").asText().startsWith("1.11.");
  }

  /**
   * The ends of every log file under an official worker's folder (its console and the files it writes under its
   * user.home): what a test failing on its registration shows, since the folder is gone after the test.
   */
  static String logTails(Path folder) {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(f -> f.toString().endsWith(".log") && Files.isRegularFile(f)).sorted().map(f -> {
        String text;
        try {
          text = Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
          text = "(unreadable: " + e.getMessage() + ")";
        }
        return "--- " + f + " ends:\n" + Processes.tail(text, 4000);
      }).collect(Collectors.joining("\n"));
    } catch (IOException e) {
      return "(no logs under " + folder + ": " + e.getMessage() + ")";
    }
  }

  /** Starts without waiting (several JVMs start faster side by side); see {@link #awaitStarted}. */
  static Processes launch(String name, String domain, Path log, String heap) {
    return launch(name, domain, log, heap, OurServer.GROUP, OurServer.APP_KEY);
  }

  /** The same in app group {@code groupId} with {@code appKey}. */
  static Processes launch(String name, String domain, Path log, String heap, String groupId, String appKey) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-XX:+UseSerialGC");
    // Keeps the worker's files (task store, logs) under the test's folder.
    command.add("-Duser.home=" + log.getParent());
    // Script output lines the worker collects, one file per worker (see LineFileLogCollector).
    command.add("-D" + dev.schedulerx.interop.official.LineFileLogCollector.FILE_PROPERTY + "="
        + log.getParent().resolve("collected-lines.txt"));
    command.addAll(ADD_OPENS);
    command.add("-cp");
    command.add(classpath());
    command.add(OfficialWorkerMain.class.getName());
    command.addAll(List.of(domain, OurServer.NAMESPACE, groupId, appKey));
    ProcessBuilder pb = new ProcessBuilder(command).directory(log.getParent().toFile());
    return Processes.start(name, pb, log);
  }
}
