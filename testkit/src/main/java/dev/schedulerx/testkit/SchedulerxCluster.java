package dev.schedulerx.testkit;

import dev.schedulerx.common.config.MergedReference;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.server.SchedulerServer;
import dev.schedulerx.server.config.ServerSettings;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.config.WorkerSettings;
import dev.schedulerx.worker.plugin.PluginSource;
import dev.schedulerx.worker.plugin.PluginUnit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs processors the way a deployment does, inside one test JVM: a real
 * scheduler server (H2 in memory, HTTP and remoting on free loopback ports) and N real worker daemons that
 * join it over loopback remoting. No JAR is needed: processors are taken from the test class path.
 *
 * <pre>{@code
 * @RegisterExtension static final SchedulerxCluster cluster = SchedulerxCluster.withWorkers(3);
 *
 * @Test void sums() {
 *   RunResult r = cluster.run(new TestMapReduceJob(), ExecuteMode.MAP_REDUCE, "1000");
 *   assertEquals(InstanceStatus.SUCCESS, r.status());
 *   assertEquals("500500", r.result());
 *   assertEquals(3, r.tasksPerWorker().size());
 * }
 * }</pre>
 *
 * <p>Registered on a {@code static} field, the cluster starts before the first test of the class and
 * stops after the last, so the tests of a class share it (start-up takes a few seconds); on an instance
 * field it starts and stops around each test. {@link #run} creates a job for the processor on the server,
 * triggers it with the given instance parameters and waits for the instance to end (at most
 * {@link #timeout(Duration)}, one minute by default). Runs are independent; a cluster runs one at a time
 * (tests running in parallel wait for each other).
 *
 * <p>A processor given as an instance serves every worker (one instance per daemon in production, so keep
 * it thread-safe); a processor given as a class is constructed once per worker with its no-argument
 * constructor. Processor code runs with the test's class loader, not an isolated plugin loader.
 */
public final class SchedulerxCluster implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private static final String GROUP = "testkit";
  private static final String APP_KEY = "testkit-key";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int workerCount;
  private Duration timeout = Duration.ofMinutes(1);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Worker> workers = new ArrayList<>();
  private SchedulerServer server;
  private Path dir;
  private boolean startedPerClass;
  private int jobs;

  /** One daemon and the processors it offers; the daemon's registry takes them at its next rescan. */
  private static final class Worker implements PluginSource {
    private volatile List<JobProcessor> processors = List.of();
    WorkerDaemon daemon;

    @Override
    public List<PluginUnit> units() {
      return List.of();
    }

    @Override
    public List<JobProcessor> processorInstances() {
      return processors;
    }

    /** Offers {@code processor}, replacing any earlier one of the same name. */
    void offer(JobProcessor processor) {
      List<JobProcessor> next = new ArrayList<>(processors);
      next.removeIf(p -> p.name().equals(processor.name()) || p.getClass().getName().equals(processor.getClass().getName()));
      next.add(processor);
      processors = List.copyOf(next);
      daemon.plugins().rescan();
    }
  }

  private SchedulerxCluster(int workerCount) {
    this.workerCount = workerCount;
  }

  /**
   * Creates a cluster of {@code count} workers and one server; it starts when the tests do.
   *
   * @param count number of worker daemons, at least 1
   * @return the extension, to register with {@code @RegisterExtension}
   */
  public static SchedulerxCluster withWorkers(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("a cluster needs at least one worker, not " + count);
    }
    return new SchedulerxCluster(count);
  }

  /**
   * Sets how long {@link #run} waits for an instance to end before it fails the test.
   *
   * @param timeout the longest wait, one minute by default
   * @return this cluster
   */
  public SchedulerxCluster timeout(Duration timeout) {
    requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    this.timeout = timeout;
    return this;
  }

  /**
   * Runs a processor instance in the execute mode its type is meant for (MapReduce, Map, broadcast or
   * standalone) and waits for the instance to end.
   *
   * @param processor the processor, shared by every worker
   * @param instanceParameters what {@code JobContext.instanceParameters()} returns, may be empty
   * @return how the instance ended
   */
  public RunResult run(JobProcessor processor, String instanceParameters) {
    return run(processor, ExecuteMode.of(processor), instanceParameters);
  }

  /**
   * Runs a processor instance and waits for the instance to end.
   *
   * @param processor the processor, shared by every worker
   * @param mode how to run it; the processor must implement the interface the mode calls
   * @param instanceParameters what {@code JobContext.instanceParameters()} returns, may be empty
   * @return how the instance ended
   * @throws IllegalArgumentException if the processor does not fit the mode
   * @throws AssertionError if the instance does not end within the timeout
   */
  public RunResult run(JobProcessor processor, ExecuteMode mode, String instanceParameters) {
    requireNonNull(processor, "processor");
    checkFits(processor.getClass(), mode);
    return runOffered(processor.name(), mode, instanceParameters, worker -> processor);
  }

  /**
   * Runs a processor class, constructed once per worker with its no-argument constructor, and waits for the
   * instance to end.
   *
   * @param processorClass the processor class
   * @param mode how to run it; the class must implement the interface the mode calls
   * @param instanceParameters what {@code JobContext.instanceParameters()} returns, may be empty
   * @return how the instance ended
   * @throws IllegalArgumentException if the class does not fit the mode or cannot be constructed
   * @throws AssertionError if the instance does not end within the timeout
   */
  public RunResult run(Class<? extends JobProcessor> processorClass, ExecuteMode mode, String instanceParameters) {
    requireNonNull(processorClass, "processorClass");
    checkFits(processorClass, mode);
    JobProcessor first = construct(processorClass);
    return runOffered(first.name(), mode, instanceParameters, worker -> worker == 0 ? first : construct(processorClass));
  }

  /**
   * Returns the ids of the running workers, in start order.
   *
   * @return the worker ids, as {@link RunResult#master()} and {@link RunResult#tasksPerWorker()} name them
   */
  public List<String> workerIds() {
    requireStarted();
    return workers.stream().map(w -> w.daemon.workerId()).toList();
  }

  /**
   * Returns the server's HTTP address, for tests that want to use its REST API ({@code /api/v1/...}) directly.
   *
   * @return {@code 127.0.0.1:<port>}
   */
  public String serverHttpAddress() {
    requireStarted();
    return "127.0.0.1:" + server.httpPort();
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    startedPerClass = true;
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (!startedPerClass) {
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!startedPerClass) {
      stop();
    }
  }

  private interface ProcessorForWorker {
    JobProcessor get(int worker);
  }

  private synchronized RunResult runOffered(String name, ExecuteMode mode, String instanceParameters, ProcessorForWorker processors) {
    requireNonNull(mode, "mode");
    requireNonNull(instanceParameters, "instanceParameters");
    requireStarted();
    for (int i = 0; i < workers.size(); i++) {
      workers.get(i).offer(processors.get(i));
    }
    String job = "testkit-" + (++jobs) + "-" + name;
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("group", GROUP);
    spec.put("name", job);
    spec.put("processor", name);
    spec.put("executeMode", mode.wireName());
    call("POST", "/api/v1/jobs", spec);
    long id = call("POST", "/api/v1/jobs/" + job + "/run", Map.of("parameters", instanceParameters)).path("instanceId").asLong();
    JsonNode instance = awaitFinished(id);
    return new RunResult(id, status(instance.path("state").asText()), instance.path("result").asText(""),
        instance.path("workerId").asText(""), tasksPerWorker(instance.path("progress").asText("")));
  }

  private JsonNode awaitFinished(long id) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode instance = call("GET", "/api/v1/instances/" + id, null);
    while (!instance.path("finishedAt").isTextual()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("instance " + id + " of job " + instance.path("jobName").asText() + " did not end within "
            + timeout + "; last seen " + instance.path("state").asText() + " with progress " + instance.path("progress").asText());
      }
      try {
        Thread.sleep(20); // polling the server's API, the way a client watches an instance
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for instance " + id, e);
      }
      instance = call("GET", "/api/v1/instances/" + id, null);
    }
    return instance;
  }

  private static InstanceStatus status(String state) {
    try {
      return InstanceStatus.valueOf(state);
    } catch (IllegalArgumentException e) {
      return InstanceStatus.UNKNOWN;
    }
  }

  /** Tasks per worker id, from the master's progress ({@code workerProgress[].workerAddr} is {@code id@host:port}). */
  private Map<String, Integer> tasksPerWorker(String progress) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    if (progress.isBlank()) {
      return counts;
    }
    try {
      for (JsonNode worker : JSON.readTree(progress).path("workerProgress")) {
        int total = worker.path("total").asInt();
        if (total > 0) {
          counts.merge(workerIdOf(worker.path("workerAddr").asText()), total, Integer::sum);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return counts;
  }

  private String workerIdOf(String workerAddr) {
    for (Worker worker : workers) {
      WorkerDaemon daemon = worker.daemon;
      if (workerAddr.equals(daemon.workerId()) || workerAddr.startsWith(daemon.workerId() + "@")
          || workerAddr.equals(daemon.remotingAddress())) {
        return daemon.workerId();
      }
    }
    return workerAddr;
  }

  private static void checkFits(Class<?> type, ExecuteMode mode) {
    requireNonNull(mode, "mode");
    if (!mode.needs().isAssignableFrom(type)) {
      throw new IllegalArgumentException(type.getName() + " is not a " + mode.needs().getSimpleName() + ", needed by execute mode " + mode);
    }
  }

  private static JobProcessor construct(Class<? extends JobProcessor> type) {
    try {
      return type.getDeclaredConstructor().newInstance();
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException("the constructor of " + type.getName() + " threw " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(type.getName() + " needs a public no-argument constructor: " + e, e);
    }
  }

  private void start() throws IOException, InterruptedException, TimeoutException {
    if (server != null) {
      return;
    }
    dir = Files.createTempDirectory("schedulerx-testkit");
    try {
      server = SchedulerServer.builder(serverSettings()).build().start();
      String domain = "127.0.0.1:" + server.httpPort();
      for (int i = 0; i < workerCount; i++) {
        Worker worker = new Worker();
        worker.daemon = WorkerDaemon.builder(workerSettings(domain, dir.resolve("worker-" + i))).pluginSource(worker).build();
        workers.add(worker);
        worker.daemon.start();
      }
      for (Worker worker : workers) {
        worker.daemon.awaitReady(Duration.ofSeconds(30));
      }
    } catch (InterruptedException | TimeoutException | RuntimeException e) {
      stop();
      throw e;
    }
  }

  private ServerSettings serverSettings() {
    String root = ServerSettings.ROOT + ".";
    Config own = ConfigFactory.parseMap(Map.of(
        root + "host", "127.0.0.1",
        root + "http-port", 0,
        root + "remoting-port", 0,
        root + "data-dir", dir.resolve("server").toString(),
        root + "database.url", "jdbc:h2:mem:testkit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
        root + "groups", List.of(Map.of("namespace", "default", "group-id", GROUP, "app-key", APP_KEY))),
        "the testkit");
    return ServerSettings.fromConfig(own.withFallback(MergedReference.reference(ServerSettings.class)).resolve(), dir);
  }

  /** A daemon of the group with fast heartbeats and report retries, so failures show quickly. */
  private static WorkerSettings workerSettings(String domain, Path home) {
    return WorkerSettings.of(Map.of(
        "group-id", GROUP, "app-key", APP_KEY, "domain", domain, "label", "testkit",
        "plugins-dir", home.resolve("plugins").toString(), "data-dir", home.resolve("data").toString(),
        "worker.threads", 4, "worker.heartbeat-interval", "500ms", "worker.report-retry-interval", "500ms",
        "worker.plugins-scan-interval", "0s"), home);
  }

  private void stop() {
    for (Worker worker : workers) {
      if (worker.daemon != null) {
        worker.daemon.close();
      }
    }
    workers.clear();
    if (server != null) {
      server.close();
      server = null;
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a leftover temporary directory is harmless
      }
      dir = null;
    }
  }

  private void requireStarted() {
    if (server == null) {
      throw new IllegalStateException("the cluster is not running: register it with @RegisterExtension, and use it inside tests");
    }
  }

  private JsonNode call(String method, String path, Object body) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
          .timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
          .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + method + " " + path, e);
    }
  }
}
