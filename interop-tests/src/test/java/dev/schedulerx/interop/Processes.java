package dev.schedulerx.interop;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A process started by a test, with its log file; {@link #close()} sends SIGTERM and waits. */
final class Processes implements AutoCloseable {
  final String name;
  final Process process;
  final Path log;

  private Processes(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static Processes start(String name, ProcessBuilder builder, Path log) {
    try {
      return new Processes(name, builder.redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** {@code <home>/script --conf conf} with a heap of {@code heap} (e.g. "256m"). */
  static ProcessBuilder launcher(String script, Path conf, String heap) {
    ProcessBuilder pb = new ProcessBuilder(home().resolve(script).toString(), "--conf", conf.toString());
    // The reactor built the distribution already; the launcher must not start a nested build.
    pb.environment().put("SCHEDULERX_SKIP_BUILD", "1");
    pb.environment().put("JAVA_OPTS", "-Xmx" + heap + " -XX:+UseSerialGC");
    return pb;
  }

  /** Closes each of {@code resources} (nulls skipped), the later ones also when an earlier one fails. */
  static void closeEach(AutoCloseable... resources) {
    for (AutoCloseable c : resources) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // best effort: the next resource must still be closed
      }
    }
  }

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

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the log contains {@code marker}; fails at once, with the log, if the process exits. */
  void awaitLine(String marker, Duration within) {
    try {
      await(name + " to log \"" + marker + "\"").atMost(within).pollInterval(Duration.ofMillis(100))
          .until(() -> {
            if (!process.isAlive()) {
              throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + logText());
            }
            return logText().contains(marker);
          });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(name + " did not log \"" + marker + "\" within " + within + "; its log ends:\n"
          + tail(logText(), 3000), e);
    }
  }

  /** The last {@code chars} characters of {@code text}: what a failure message shows of a log. */
  static String tail(String text, int chars) {
    return text.substring(Math.max(0, text.length() - chars));
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
