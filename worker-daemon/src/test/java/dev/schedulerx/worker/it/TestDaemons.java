package dev.schedulerx.worker.it;

import static org.awaitility.Awaitility.await;

import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.RemotingSettings;
import dev.schedulerx.protocol.WorkerAddress;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.config.WorkerSettings;
import dev.schedulerx.worker.instance.TestPlugins;
import dev.schedulerx.worker.plugin.PluginUnit;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;

/**
 * Starts worker daemons for the in-process integration tests: no embedded server, the test processors,
 * heartbeats every 200 ms, unacknowledged reports re-sent every 300 ms.
 */
public final class TestDaemons implements AutoCloseable {
  /** Pekko's log line when a guardian throws during setup. */
  static final String GUARDIAN_FAILED = "guardian failed";

  /** Looks up actors on the daemons over TCP, as the server does. */
  private final ActorSystem probe = ActorSystem.create("probe", RemotingSettings.of("127.0.0.1", 0).toConfig());

  /**
   * Settings of a test daemon in {@code dir}: fast heartbeats and report retries so failures show quickly, no
   * plugin rescans; {@code overrides} (paths below {@code schedulerx.}) go over them.
   */
  public static WorkerSettings settings(String domain, String appKey, Path dir, Map<String, ?> overrides) {
    Map<String, Object> keys = new HashMap<>(Map.of(
        "namespace", "ns", "group-id", TestServer.GROUP, "app-key", appKey, "domain", domain,
        "plugins-dir", dir.resolve("plugins").toString(), "data-dir", dir.resolve("data").toString(),
        "worker.threads", 4, "worker.heartbeat-interval", "200ms", "worker.report-retry-interval", "300ms",
        "worker.plugins-scan-interval", "0s"));
    keys.put("worker.shutdown-grace", "5s");
    keys.put("instance-logs.flush-interval", "50ms");
    keys.putAll(overrides);
    return WorkerSettings.of(keys, dir);
  }

  /** Starts a daemon exactly as production does. */
  public static WorkerDaemon startOnce(String domain, String appKey, Path dir) throws IOException {
    WorkerSettings settings = settings(domain, appKey, dir, Map.of());
    return WorkerDaemon.builder(settings).pluginSource(TestPlugins.source(dir.resolve("plugins"))).build().start();
  }

  /**
   * Starts a daemon whose actors are up (its job endpoint answers over TCP); not necessarily registered yet.
   */
  WorkerDaemon start(String domain, String appKey, Path dir) throws IOException {
    WorkerDaemon daemon = startOnce(domain, appKey, dir);
    await("job endpoint of " + daemon.workerId()).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> endpointAnswers(daemon));
    return daemon;
  }

  /**
   * Like {@link #start(String, String, Path)}, with {@code overrides} over the test settings and the plugin JARs
   * {@code extraJars} besides the test processors.
   */
  WorkerDaemon start(String domain, String appKey, Path dir, Map<String, ?> overrides, List<Path> extraJars)
      throws IOException {
    WorkerSettings settings = settings(domain, appKey, dir, overrides);
    List<PluginUnit> units = new java.util.ArrayList<>(TestPlugins.source(dir.resolve("plugins")).units());
    extraJars.forEach(jar -> units.add(PluginUnit.of(jar)));
    List<PluginUnit> all = List.copyOf(units);
    WorkerDaemon daemon = WorkerDaemon.builder(settings).pluginSource(() -> all).build().start();
    await("job endpoint of " + daemon.workerId()).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> endpointAnswers(daemon));
    return daemon;
  }

  private boolean endpointAnswers(WorkerDaemon daemon) {
    String[] hostPort = daemon.remotingAddress().split(":");
    WorkerAddress address = new WorkerAddress(daemon.workerId(), hostPort[0], Integer.parseInt(hostPort[1]));
    try {
      probe.actorSelection(ActorPaths.onWorker(address, ActorPaths.WORKER_JOB_INSTANCE))
          .resolveOne(Duration.ofMillis(500)).toCompletableFuture().get(1, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() throws Exception {
    probe.terminate();
    probe.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
