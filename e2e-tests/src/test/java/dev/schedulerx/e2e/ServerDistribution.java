package dev.schedulerx.e2e;

import static org.awaitility.Awaitility.await;

import dev.schedulerx.e2e.Distribution.CliResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What {@link Distribution} does for {@code bin/schedulerx-worker}, for {@code bin/schedulerx-server}: start
 * the standalone server as a process, run the worker CLI against it, and give it a throwaway PostgreSQL
 * schema.
 */
final class ServerDistribution {
  private ServerDistribution() {}

  /** JVM options that make a daemon (or the CLI) use the standalone server at {@code httpPort}. */
  static String joining(int httpPort) {
    return "-Dschedulerx.server.embedded=false -Dschedulerx.domain=127.0.0.1:" + httpPort;
  }

  /** {@code bin/schedulerx-worker args…} with extra JVM options, to completion. */
  static CliResult workerCli(Duration timeout, String javaOpts, String... args) {
    try {
      Path out = Files.createTempFile("sx-cli", ".out");
      Path err = Files.createTempFile("sx-cli", ".err");
      Process p = Distribution.launcher(List.of(args), javaOpts).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
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

  /** A {@code bin/schedulerx-server} process with its log file; {@link #close()} sends SIGTERM and waits. */
  static final class Server implements AutoCloseable {
    final Process process;
    final Path log;

    private Server(Process process, Path log) {
      this.process = process;
      this.log = log;
    }

    /** Starts {@code bin/schedulerx-server --conf conf} and waits for its "ready" line. */
    static Server start(Path conf, Path log, Duration readyWithin) {
      List<String> command = new ArrayList<>();
      command.add(Distribution.home().resolve("bin/schedulerx-server").toString());
      command.add("--conf");
      command.add(conf.toString());
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      // The reactor built everything already; the launcher must not start a nested build.
      pb.environment().put("SCHEDULERX_SKIP_BUILD", "1");
      pb.environment().put("JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
      Server server;
      try {
        server = new Server(pb.start(), log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      await("server ready (log " + log + ")").atMost(readyWithin).pollInterval(Duration.ofMillis(100))
          .until(() -> {
            if (!server.process.isAlive()) {
              throw new AssertionError("server exited with " + server.process.exitValue() + ":\n" + server.logText());
            }
            return server.logText().contains("scheduler server ready: ");
          });
      return server;
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
        throw new AssertionError("server did not stop within " + within + " after SIGTERM:\n" + logText());
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

  /**
   * A schema of random name on this machine's PostgreSQL (127.0.0.1:5432, database test, user postgres, as
   * CI provides), dropped on close. Fails, naming the address, when PostgreSQL cannot be reached.
   */
  static final class PostgresqlSchema implements AutoCloseable {
    static final String ADMIN_URL = System.getProperty("schedulerx.test.postgresql.url", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = System.getProperty("schedulerx.test.postgresql.user", "postgres");
    static final String PASSWORD = System.getProperty("schedulerx.test.postgresql.password", "");

    final String name = "sx_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);

    private PostgresqlSchema() {}

    static PostgresqlSchema create() {
      PostgresqlSchema schema = new PostgresqlSchema();
      schema.execute("CREATE SCHEMA " + schema.name);
      return schema;
    }

    /** The JDBC URL whose tables live in this schema. */
    String url() {
      return ADMIN_URL + (ADMIN_URL.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    /** The first column of the first row of {@code sql}, run in this schema. */
    String queryOne(String sql) throws SQLException {
      try (Connection c = DriverManager.getConnection(url(), USER, PASSWORD);
          Statement statement = c.createStatement();
          var rs = statement.executeQuery(sql)) {
        return rs.next() ? rs.getString(1) : null;
      }
    }

    private void execute(String sql) {
      try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD);
          Statement statement = c.createStatement()) {
        statement.execute(sql);
      } catch (SQLException e) {
        throw new IllegalStateException("PostgreSQL at " + ADMIN_URL + " (user " + USER + ") is unreachable or refused \""
            + sql + "\" (" + e.getMessage() + "); this test needs it: start it (.ci/run does)", e);
      }
    }

    @Override
    public void close() {
      execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }
  }
}
