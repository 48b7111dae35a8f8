package dev.schedulerx.worker.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.worker.container.ContainerPool;
import dev.schedulerx.worker.plugin.PluginRegistry;
import dev.schedulerx.worker.plugin.ProcessorInvoker;
import dev.schedulerx.worker.task.InstanceSpec;
import dev.schedulerx.worker.task.TaskBodyCodec;
import dev.schedulerx.worker.task.TaskSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One supervisor per instance, with real plugins (a JAR built at test time), a real container pool and a
 * status sink that forwards to a probe: what the server would be told, in order.
 */
class JobInstanceSupervisorTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final AtomicLong ids = new AtomicLong(100);

  @TempDir static Path pluginsDir;
  private static PluginRegistry plugins;
  private static ContainerPool pool;

  /** One status as the sink received it. */
  record Reported(long instanceId, InstanceStatus status, String result) {}

  @BeforeAll
  static void loadPlugins() throws Exception {
    plugins = new PluginRegistry(TestPlugins.source(pluginsDir));
    assertThat(plugins.load().problems()).isEmpty();
    pool = new ContainerPool(4);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    pool.close();
    plugins.close();
  }

  private record Started(long instanceId, ActorRef<JobInstanceSupervisor.Command> supervisor, TestProbe<Reported> reports) {}

  private static Started start(String executeMode, String processor) {
    long id = ids.incrementAndGet();
    TestProbe<Reported> reports = testKit.createTestProbe();
    StatusSink sink = new StatusSink() {
      @Override
      public void report(InstanceSpec spec, InstanceStatus status, String result, String progress) {
        reports.getRef().tell(new Reported(spec.instanceId(), status, result));
      }

      @Override
      public void progress(InstanceSpec spec, String progressJson) {}
    };
    // Standalone runs never reach other workers: a peer call here is a test failure.
    Peers noPeers = new Peers() {
      @Override
      public java.util.concurrent.CompletionStage<Void> startTasks(String worker, InstanceSpec instance, List<TaskSpec> tasks) {
        throw new AssertionError("standalone must not dispatch");
      }

      @Override
      public java.util.concurrent.CompletionStage<Void> checkAlive(String worker, long instanceId) {
        throw new AssertionError("standalone must not check workers");
      }

      @Override
      public void kill(String worker, InstanceSpec instance) {}

      @Override
      public void destroy(String worker, InstanceSpec instance) {}

      @Override
      public void claim(String worker, InstanceSpec instance, int epoch) {
        throw new AssertionError("standalone has no master to resume");
      }

      @Override
      public void release(InstanceSpec instance, int epoch) {
        throw new AssertionError("standalone has no master to fence");
      }
    };
    InstanceRuntime runtime =
        new InstanceRuntime(plugins, new ProcessorInvoker(), pool, new TaskBodyCodec(), sink, noPeers,
            DispatchSettings.of(2048, 1024, 16L << 20, java.nio.file.Path.of("target/spill")), "w1@127.0.0.1:4242", "127.0.0.1:4242");
    InstanceSpec spec =
        new InstanceSpec(7, id, "job-" + id, "g", executeMode, processor, "", "", Instant.EPOCH, Instant.EPOCH, 0, 0,
            "schedulerx", "", List.of("w1@127.0.0.1:4242"));
    return new Started(id, testKit.spawn(JobInstanceSupervisor.create(spec, runtime)), reports);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Ok", "dev.schedulerx.worker.instance.testplugins.OkProcessor"})
  void aSucceedingProcessorIsReportedRunningThenSuccessAndTheSupervisorStops(String processor) {
    Started s = start("standalone", processor);

    s.reports().expectMessage(new Reported(s.instanceId(), InstanceStatus.RUNNING, ""));
    s.reports().expectMessage(new Reported(s.instanceId(), InstanceStatus.SUCCESS, "ok"));
    s.reports().expectTerminated(s.supervisor());
  }

  @Test
  void aThrowingProcessorIsReportedFailedWithItsMessage() {
    Started s = start("standalone", "Throwing");

    s.reports().expectMessage(new Reported(s.instanceId(), InstanceStatus.RUNNING, ""));
    s.reports().expectMessage(new Reported(s.instanceId(), InstanceStatus.FAILED, "database unreachable"));
    s.reports().expectTerminated(s.supervisor());
  }

  @Test
  void anUnknownProcessorFailsTheInstanceListingTheKnownOnes() {
    Started s = start("standalone", "Missing");

    Reported failed = s.reports().receiveMessage();
    assertThat(failed.status()).isEqualTo(InstanceStatus.FAILED);
    assertThat(failed.result())
        .startsWith("processor Missing not found")
        .endsWith("(known processors: " + String.join(", ", TestPlugins.NAMES) + ")");
    s.reports().expectTerminated(s.supervisor());
  }

  @Test
  void anUnsupportedExecuteModeFailsTheInstanceNamingTheMode() {
    Started s = start("sideways", "Ok");

    Reported failed = s.reports().receiveMessage();
    assertThat(failed.status()).isEqualTo(InstanceStatus.FAILED);
    assertThat(failed.result()).contains("execute mode sideways").contains("not supported");
    s.reports().expectTerminated(s.supervisor());
  }

  @Test
  @SuppressWarnings("unchecked")
  void killFailsTheInstanceInterruptsTheProcessorAndRunsItsKillHook() {
    Supplier<List<String>> blocking = (Supplier<List<String>>) plugins.find("Blocking").orElseThrow().processor();
    Started s = start("standalone", "Blocking");
    s.reports().expectMessage(new Reported(s.instanceId(), InstanceStatus.RUNNING, ""));
    await().atMost(DEADLINE).until(() -> blocking.get().contains("started " + s.instanceId()));

    s.supervisor().tell(new JobInstanceSupervisor.Kill("killed from server"));

    s.reports().expectMessage(new Reported(s.instanceId(), InstanceStatus.FAILED, "killed: killed from server"));
    s.reports().expectTerminated(s.supervisor());
    await().atMost(DEADLINE).untilAsserted(() ->
        assertThat(blocking.get()).contains("interrupted " + s.instanceId(), "kill hook " + s.instanceId()));
    s.reports().expectNoMessage(Duration.ofMillis(200));
  }
}
