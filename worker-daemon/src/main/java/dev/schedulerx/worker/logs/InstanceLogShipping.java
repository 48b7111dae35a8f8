package dev.schedulerx.worker.logs;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.schedulerx.worker.client.ServerApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Ships the lines this daemon's processors log for an instance to the scheduler server ({@code POST
 * /api/v1/instances/{id}/logs}), so {@code schedulerx-worker logs <id>} shows them whichever workers ran the
 * tasks. A logback appender added to the root logger (one per daemon, removed on close) fills a bounded buffer;
 * one thread of its own sends it in batches every {@code flush-interval}. While the server is unreachable the
 * lines wait in the buffer, the oldest dropped and counted beyond {@code buffer-size}; processors never wait.
 */
public final class InstanceLogShipping implements AutoCloseable {
  private static final org.slf4j.Logger log = LoggerFactory.getLogger(InstanceLogShipping.class);
  /** Lines per POST; the server takes up to 1000. */
  static final int BATCH = 500;
  /** Batches sent per round at most, so one round never runs for long. */
  private static final int BATCHES_PER_ROUND = 20;

  /**
   * @param enabled ship at all (off when the daemon works for a SchedulerX cloud endpoint, which has no such API)
   * @param bufferSize lines kept while the server cannot take them
   * @param flushInterval how often the buffer is sent
   */
  public record Settings(boolean enabled, int bufferSize, Duration flushInterval) {
    public static final Settings DEFAULT = new Settings(true, 10_000, Duration.ofMillis(500));

    public Settings {
      Objects.requireNonNull(flushInterval, "flushInterval");
    }
  }

  private final LogBuffer buffer;
  private final InstanceLogAppender appender;
  private final Logger root;
  private final ScheduledExecutorService thread;
  /** The server nodes' API, over HTTPS when configured; moves on to another node when one is down. */
  private final ServerApiClient server;
  private final String base;
  private final String workerId;
  private final AtomicLong shipped = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  /** Lines taken from the buffer but not yet accepted by the server; only the shipping thread touches it. */
  private List<LogLine> pending = new ArrayList<>();
  /** Only the shipping thread touches it. */
  private boolean failing;
  /** The last refusal logged, so a wrong token is reported once, not once per batch; shipping thread only. */
  private int lastRefusal;
  private long droppedWhenReported;

  private InstanceLogShipping(Settings settings, ServerApiClient server, String serverHttpAddress, String workerId, String workerAddr) {
    this.buffer = new LogBuffer(settings.bufferSize());
    this.appender = new InstanceLogAppender(workerAddr, buffer);
    this.server = server;
    this.base = serverHttpAddress;
    this.workerId = workerId;
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    this.root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    appender.setContext(context);
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sx-log-shipper-" + workerId);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts shipping the lines logged on this daemon's processor threads for {@code workerAddr}.
   *
   * @param serverHttpAddress the server's HTTP host:port, or several nodes separated by commas (for logs)
   * @param server the API of those nodes, with the token and TLS settings
   * @return null when shipping is off or logging is not logback (nothing to attach to)
   */
  public static InstanceLogShipping start(
      Settings settings, String serverHttpAddress, ServerApiClient server, String workerId, String workerAddr) {
    if (!settings.enabled()) {
      return null;
    }
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext)) {
      log.warn("instance logs are not shipped: logging is not logback ({})", LoggerFactory.getILoggerFactory().getClass().getName());
      return null;
    }
    InstanceLogShipping shipping = new InstanceLogShipping(settings, server, serverHttpAddress, workerId, workerAddr);
    shipping.appender.start();
    shipping.root.addAppender(shipping.appender);
    long every = Math.max(10, settings.flushInterval().toMillis());
    shipping.thread.scheduleWithFixedDelay(shipping::shipRound, every, every, TimeUnit.MILLISECONDS);
    return shipping;
  }

  /** Lines the server has accepted. */
  public long shipped() {
    return shipped.get();
  }

  /** Lines the server refused (instance purged, wrong token) and that were therefore dropped. */
  public long refused() {
    return refused.get();
  }

  /** Lines dropped because the buffer was full while the server could not take them. */
  public long dropped() {
    return buffer.dropped();
  }

  /** One round on the shipping thread: send what is there until it is empty or the server fails. */
  private void shipRound() {
    try {
      for (int i = 0; i < BATCHES_PER_ROUND; i++) {
        if (pending.isEmpty()) {
          pending = buffer.take(BATCH);
        }
        if (pending.isEmpty() || !sendPending()) {
          return;
        }
      }
    } catch (RuntimeException e) {
      log.warn("shipping instance logs failed, will try again: {}", e.toString());
    }
  }

  /** Sends the pending lines, one POST per instance; false when the server could not be reached. */
  private boolean sendPending() {
    Map<Long, List<LogLine>> byInstance = new LinkedHashMap<>();
    for (LogLine line : pending) {
      byInstance.computeIfAbsent(line.instanceId(), k -> new ArrayList<>()).add(line);
    }
    for (Map.Entry<Long, List<LogLine>> entry : byInstance.entrySet()) {
      int status = post(entry.getKey(), entry.getValue());
      if (status < 0 || status >= 500) {
        if (!failing) {
          failing = true;
          log.warn("instance logs wait for the scheduler server at {} ({}); up to {} lines are kept", base,
              status < 0 ? "unreachable" : "HTTP " + status, buffer.size() + pending.size());
        }
        return false;
      }
      if (status >= 400) {
        // no such instance (purged) or a refused token: sending again would not help
        refused.addAndGet(entry.getValue().size());
        if (status != lastRefusal) {
          lastRefusal = status;
          log.warn("server refused {} log line(s) of instance {} with HTTP {}{}", entry.getValue().size(), entry.getKey(), status,
              status == 401 ? ": check schedulerx.api-token" : "; such lines are dropped");
        }
      } else {
        shipped.addAndGet(entry.getValue().size());
        lastRefusal = 0;
      }
      long sent = entry.getKey();
      pending.removeIf(l -> l.instanceId() == sent);
    }
    if (failing) {
      failing = false;
      log.info("instance logs reach the scheduler server again; {} line(s) were dropped meanwhile", buffer.dropped() - droppedWhenReported);
      droppedWhenReported = buffer.dropped();
    }
    return true;
  }

  /** The HTTP status, or -1 when the server could not be reached. */
  private int post(long instanceId, List<LogLine> lines) {
    List<Map<String, Object>> body = new ArrayList<>(lines.size());
    for (LogLine l : lines) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("time", l.time().toString());
      line.put("taskId", l.taskId());
      line.put("level", l.level());
      line.put("logger", l.logger());
      line.put("message", l.message());
      body.add(line);
    }
    try {
      server.appendLogs(instanceId, Map.of("worker", workerId, "lines", body));
      return 200;
    } catch (ServerApiClient.ApiException e) {
      return e.status() == 0 ? -1 : e.status();
    }
  }

  /** Stops collecting, sends what is left (for up to {@code timeout}), stops the shipping thread. */
  public void close(Duration timeout) {
    root.detachAppender(appender);
    appender.stop();
    thread.shutdown();
    try {
      if (!thread.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        thread.shutdownNow();
        return;
      }
      // the last round on a thread of its own, so an unreachable server cannot hold up the shutdown
      Thread last = new Thread(this::shipRound, "sx-log-shipper-last-" + workerId);
      last.setDaemon(true);
      last.start();
      last.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (buffer.size() + pending.size() > 0) {
      log.info("{} instance log line(s) not shipped at shutdown", buffer.size() + pending.size());
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(3));
  }
}
