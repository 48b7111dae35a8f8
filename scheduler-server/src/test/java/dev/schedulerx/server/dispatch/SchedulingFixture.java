package dev.schedulerx.server.dispatch;

import static org.awaitility.Awaitility.await;

import com.alibaba.schedulerx.protocol.Server.ServerSubmitJobInstanceRequest;
import com.alibaba.schedulerx.protocol.Server.ServerSubmitJobInstanceResponse;
import com.typesafe.config.ConfigFactory;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.RemotingSettings;
import dev.schedulerx.protocol.WorkerAddress;
import dev.schedulerx.server.config.ServerSettings;
import dev.schedulerx.server.gateway.WorkerGateway;
import dev.schedulerx.server.group.AppGroups;
import dev.schedulerx.server.group.GroupGuard;
import dev.schedulerx.server.registry.WorkerInfo;
import dev.schedulerx.server.registry.WorkerRegistry;
import dev.schedulerx.server.store.AppGroupRepository;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.JobRepository;
import dev.schedulerx.server.store.ServerDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Props;

/**
 * The server's scheduling core without HTTP: real repositories on a fresh in-memory H2, a real registry, lifecycle
 * and ends, and a due-pass the test runs by hand against a {@link MutableClock}. Database work runs on the calling
 * thread; retry timers on a real single-thread timer. Workers are registered without running (submits to them go
 * unanswered), or one answers when the test says, in the fixture's own actor system ({@link #registerAnsweringWorker}).
 */
final class SchedulingFixture implements AutoCloseable {
  static final String GROUP = "g";

  final MutableClock clock;
  final ServerDatabase database;
  final JobRepository jobs;
  final InstanceRepository instances;
  final WorkerRegistry registry;
  final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
  final InstanceLifecycle lifecycle;
  final InstanceEnds ends;
  private final ActorSystem system;
  /** Submits the answering worker holds, by instance id, with whom to answer. */
  private final Map<Long, ActorRef> heldSubmits = new ConcurrentHashMap<>();
  private DuePass duePass;

  /**
   * @param workerTimeout how long a worker stays registered without a heartbeat
   */
  SchedulingFixture(MutableClock clock, Duration workerTimeout) {
    this.clock = clock;
    String url = "jdbc:h2:mem:dispatch-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    ServerSettings settings =
        new ServerSettings("127.0.0.1", 0, 0, Path.of("target"),
            new ServerSettings.DatabaseSettings(url, "sa", "", 2),
            workerTimeout, Duration.ofMillis(100), Duration.ofMinutes(5), Duration.ofDays(1),
            List.of(new ServerSettings.AppGroup("ns", GROUP, "key")), ServerSettings.ApiSecurity.DEFAULT, ServerSettings.Lease.DEFAULT, TlsSettings.OFF);
    database = ServerDatabase.open(url, "sa", "", 4);
    jobs = new JobRepository(database.dataSource());
    instances = new InstanceRepository(database.dataSource());
    registry = new WorkerRegistry(clock, workerTimeout);
    // A submit to a worker nobody runs waits (5 min); the answering worker is this system, named as its worker id.
    system = ActorSystem.create(ANSWERING_WORKER,
        ConfigFactory.parseString("pekko.jvm-shutdown-hooks = off\npekko.loglevel = WARNING")
            .withFallback(RemotingSettings.of("127.0.0.1", 0).toConfig()));
    WorkerGateway gateway = new WorkerGateway(system, settings.submitTimeout());
    ends = new InstanceEnds(jobs, instances, registry, gateway, clock, Runnable::run, timers, InstanceEvents.NONE);
    lifecycle =
        new InstanceLifecycle(
            jobs, instances, registry, gateway, groupGuard(database, settings, clock), clock, Runnable::run, timers, ends);
    duePass = new DuePass(jobs, instances, lifecycle, ends, registry, clock);
  }

  private static GroupGuard groupGuard(ServerDatabase database, ServerSettings settings, java.time.Clock clock) {
    AppGroups groups = new AppGroups(new AppGroupRepository(database.dataSource()), clock, Duration.ofSeconds(5));
    groups.seed(settings.groups());
    return new GroupGuard(groups);
  }

  SchedulingFixture(MutableClock clock) {
    this(clock, Duration.ofDays(1));
  }

  JobDefinition save(TestJob job) {
    return jobs.upsert(job.definition());
  }

  /** One scheduling pass, on the test thread. */
  void pass() {
    duePass.runOnce();
  }

  /** One pass as the server's loop runs it: failures are logged, never thrown. */
  void passLikeTheServer() {
    duePass.run();
  }

  /** Moves the clock, then runs one pass. */
  void advanceAndPass(Duration by) {
    clock.advance(by);
    pass();
  }

  /** A due-pass with no memory of earlier passes, as after a server restart. */
  void restartDuePass() {
    duePass = new DuePass(jobs, instances, lifecycle, ends, registry, clock);
  }

  /** The job's instances, oldest schedule time (then attempt) first. */
  List<JobInstance> runs(JobDefinition job) {
    return instances.findByJob(job.id(), 10_000).stream()
        .sorted(Comparator.comparing(JobInstance::scheduleTime).thenComparing(JobInstance::attempt))
        .toList();
  }

  List<Instant> scheduleTimes(JobDefinition job) {
    return runs(job).stream().map(JobInstance::scheduleTime).toList();
  }

  /**
   * Registers a worker that heartbeats but never answers a submit: instances sent to it stay WAITING for
   * the whole test, as if the worker were still thinking.
   */
  WorkerInfo registerSilentWorker(String workerId) {
    return registerSilentWorker(workerId, 1);
  }

  WorkerInfo registerSilentWorker(String workerId, int port) {
    WorkerInfo worker =
        new WorkerInfo(GROUP, new WorkerAddress(workerId, "127.0.0.1", port), "test", "java", "", "{}", List.of(),
            Instant.EPOCH, Instant.EPOCH);
    registry.heartbeat(worker);
    return worker;
  }

  /** The id of the worker {@link #registerAnsweringWorker} registers. */
  static final String ANSWERING_WORKER = "answering-worker";

  /**
   * Registers a worker that takes each submit and accepts it when the test says ({@link #accept}), as a worker whose
   * answer is on its way: the runs sent to it stay WAITING until then.
   */
  WorkerInfo registerAnsweringWorker() {
    system.actorOf(Props.create(HoldingWorker.class, () -> new HoldingWorker(heldSubmits)), ActorPaths.WORKER_JOB_INSTANCE);
    int port = ((ExtendedActorSystem) system).provider().getDefaultAddress().getPort().orElseThrow();
    WorkerInfo worker = new WorkerInfo(GROUP, new WorkerAddress(ANSWERING_WORKER, "127.0.0.1", port), "test", "java", "",
        "{}", List.of(), Instant.EPOCH, Instant.EPOCH);
    registry.heartbeat(worker);
    return worker;
  }

  /** The answering worker accepts {@code run}, once its submit has come. */
  void accept(JobInstance run) {
    await().atMost(Duration.ofSeconds(10)).until(() -> heldSubmits.containsKey(run.id()));
    heldSubmits.remove(run.id()).tell(ServerSubmitJobInstanceResponse.newBuilder().setSuccess(true).build(), ActorRef.noSender());
  }

  private static final class HoldingWorker extends AbstractActor {
    private final Map<Long, ActorRef> held;

    HoldingWorker(Map<Long, ActorRef> held) {
      this.held = held;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(ServerSubmitJobInstanceRequest.class, r -> held.put(r.getJobInstanceId(), getSender()))
          .build();
    }
  }

  @Override
  public void close() throws Exception {
    timers.shutdownNow();
    timers.awaitTermination(5, TimeUnit.SECONDS);
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP ALL OBJECTS"); // frees the in-memory database
    } finally {
      database.close();
    }
  }
}
