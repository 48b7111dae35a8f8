package dev.schedulerx.server.metrics;

import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * The server's {@code /healthz}: up while its database answers. The check runs on its own thread with a
 * deadline, so an unreachable database (whose pool would wait for a connection for many seconds) makes the
 * answer "down" quickly instead of hanging the prober; concurrent probes share one check.
 */
public final class ServerHealth implements AutoCloseable {
  /** How long the database may take to hand out a connection that validates. */
  static final Duration DATABASE_DEADLINE = Duration.ofSeconds(2);

  private final DataSource dataSource;
  private final BooleanSupplier leader;
  private final ExecutorService checker =
      Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sx-server-health");
        t.setDaemon(true);
        return t;
      });
  private CompletableFuture<String> inFlight;

  /** Whether the node is up, and the JSON body of the answer. */
  public record Status(boolean up, Map<String, Object> body) {}

  public ServerHealth(DataSource dataSource, BooleanSupplier leader) {
    this.dataSource = dataSource;
    this.leader = leader;
  }

  public Status check() {
    String databaseProblem = databaseProblem();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", databaseProblem == null ? "UP" : "DOWN");
    body.put("leader", leader.getAsBoolean());
    body.put("database", databaseProblem == null ? "UP" : "DOWN");
    if (databaseProblem != null) {
      body.put("reason", "database unreachable: " + databaseProblem);
    }
    return new Status(databaseProblem == null, body);
  }

  /** Null when the database handed out a valid connection in time, else why not (one line). */
  private String databaseProblem() {
    CompletableFuture<String> check;
    synchronized (this) {
      if (inFlight == null || inFlight.isDone()) {
        inFlight = CompletableFuture.supplyAsync(this::probeDatabase, checker);
      }
      check = inFlight;
    }
    try {
      return check.get(DATABASE_DEADLINE.toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return "no connection within " + DATABASE_DEADLINE.toSeconds() + " s";
    } catch (ExecutionException e) {
      return String.valueOf(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private String probeDatabase() {
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid((int) DATABASE_DEADLINE.toSeconds()) ? null : "connection not valid";
    } catch (Exception e) {
      String message = e.getMessage();
      return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }
  }

  @Override
  public void close() {
    checker.shutdownNow();
  }
}
