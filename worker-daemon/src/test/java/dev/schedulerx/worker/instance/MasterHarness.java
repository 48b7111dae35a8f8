package dev.schedulerx.worker.instance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.worker.container.ContainerPool;
import dev.schedulerx.worker.plugin.PluginRegistry;
import dev.schedulerx.worker.plugin.PluginUnit;
import dev.schedulerx.worker.plugin.ProcessorInvoker;
import dev.schedulerx.worker.task.InstanceSpec;
import dev.schedulerx.worker.task.TaskBodyCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the master tests share: an actor test kit, the distributed-job processors in a plugin JAR built at
 * test time, a container pool for the master-side hooks (reduce, pre/postProcess, kill), and instances of
 * three workers whose peers are {@link LoopbackPeers}. What the server would be told arrives at a probe.
 */
final class MasterHarness implements AutoCloseable {
  static final String SELF = "w0@127.0.0.1:4000";
  static final String W1 = "w1@127.0.0.1:4001";
  static final String W2 = "w2@127.0.0.1:4002";
  static final List<String> WORKERS = List.of(SELF, W1, W2);
  static final Duration DEADLINE = Duration.ofSeconds(10);

  /** One status report as the sink received it; RUNNING carries no progress. */
  record Reported(InstanceStatus status, String result, String progress) {}

  final ActorTestKit testKit = ActorTestKit.create();
  final PluginRegistry plugins;
  final ContainerPool pool = new ContainerPool(4);
  final ProcessorInvoker invoker = new ProcessorInvoker();
  final TaskBodyCodec codec = new TaskBodyCodec();
  private final Path dir;
  private final AtomicLong ids = new AtomicLong(1000);

  MasterHarness(Path dir) throws IOException {
    this.dir = dir;
    Path jar = MasterTestPlugins.jar(dir.resolve("plugins"));
    plugins = new PluginRegistry(() -> List.of(PluginUnit.of(jar)));
    assertThat(plugins.load().problems()).isEmpty();
  }

  /** Short intervals: liveness checked every 50 ms, 3 misses; windows of 64 tasks sent 32 at a time. */
  DispatchSettings fast() {
    return new DispatchSettings(64, 32, Duration.ofMillis(50), 3, Duration.ofMillis(100), 1L << 20, dir.resolve("spill"));
  }

  /** An instance not started yet: script its peers, then {@link Instance#start()}. */
  Instance instance(String executeMode, String processor, String jobParameters) {
    return new Instance(executeMode, processor, jobParameters);
  }

  @Override
  public void close() {
    testKit.shutdownTestKit();
    pool.close();
    plugins.close();
  }

  /** One job instance mastered by {@link #SELF}, with the other two workers behind loopback peers. */
  final class Instance {
    final long id;
    final LoopbackPeers peers = new LoopbackPeers(plugins, invoker, codec, testKit.scheduler());
    final TestProbe<Reported> reports = testKit.createTestProbe();
    /** Progress JSON sent while running, oldest first. */
    final List<String> progress = new CopyOnWriteArrayList<>();
    private final String executeMode;
    private final String processor;
    private final String jobParameters;
    private String instanceParameters = "";
    private DispatchSettings settings = fast();
    private MasterLog masterLog = MasterLog.NONE;
    private int epoch;
    InstanceSpec spec;
    ActorRef<JobInstanceSupervisor.Command> supervisor;

    private Instance(String executeMode, String processor, String jobParameters) {
      this(ids.incrementAndGet(), executeMode, processor, jobParameters);
    }

    private Instance(long id, String executeMode, String processor, String jobParameters) {
      this.id = id;
      this.executeMode = executeMode;
      this.processor = processor;
      this.jobParameters = jobParameters;
    }

    Instance instanceParameters(String parameters) {
      this.instanceParameters = parameters;
      return this;
    }

    /** Its master keeps its operation log in {@code log}. */
    Instance masterLog(MasterLog log) {
      this.masterLog = log;
      return this;
    }

    /**
     * The same instance for a new master resuming it at {@code epoch} from the same log, with workers of its own
     * (fresh loopback peers); start it with {@link #start()}.
     */
    Instance resumedAt(int epoch) {
      Instance next = new Instance(id, executeMode, processor, jobParameters);
      next.instanceParameters = instanceParameters;
      next.settings = settings;
      next.masterLog = masterLog;
      next.epoch = epoch;
      return next;
    }

    /** The master dies here: its actor stops at once, nothing more is reported or flushed. */
    void crash() {
      testKit.stop(supervisor, DEADLINE);
      peers.close();
    }

    Instance settings(DispatchSettings settings) {
      this.settings = settings;
      return this;
    }

    Instance start() {
      StatusSink sink = new StatusSink() {
        @Override
        public void report(InstanceSpec instance, InstanceStatus status, String result, String progressJson) {
          reports.getRef().tell(new Reported(status, result, progressJson));
        }

        @Override
        public void progress(InstanceSpec instance, String progressJson) {
          progress.add(progressJson);
        }
      };
      InstanceRuntime runtime =
          new InstanceRuntime(plugins, invoker, pool, codec, sink, peers, settings, SELF, "127.0.0.1:4000", masterLog);
      spec = new InstanceSpec(9, id, "job-" + id, "g", executeMode, processor, jobParameters, instanceParameters,
          Instant.EPOCH, Instant.EPOCH, 0, 0, "tester", "", WORKERS).resumedAt(epoch);
      supervisor = testKit.spawn(JobInstanceSupervisor.create(spec, runtime), "instance-" + id + "-" + epoch);
      peers.attach(supervisor);
      return this;
    }

    /** Expects RUNNING, then returns the final report once the supervisor has stopped. */
    Reported awaitEnd() {
      reports.expectMessage(DEADLINE, new Reported(InstanceStatus.RUNNING, "", null));
      return awaitFinal();
    }

    /** The next report, which must be final, once the supervisor has stopped. */
    Reported awaitFinal() {
      Reported end = reports.receiveMessage(DEADLINE);
      assertThat(end.status().isFinished()).as("final status, got %s", end).isTrue();
      reports.expectTerminated(supervisor, DEADLINE);
      peers.close();
      return end;
    }
  }
}
