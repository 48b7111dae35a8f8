package dev.schedulerx.worker.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.schedulerx.protocol.Worker.MasterBatchStartContainersRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterBatchStartContainersResponse;
import com.alibaba.schedulerx.protocol.Worker.MasterCheckWorkerAliveRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterCheckWorkerAliveResponse;
import com.alibaba.schedulerx.protocol.Worker.MasterStartContainerRequest;
import com.alibaba.schedulerx.protocol.Worker.TaskStatusInfo;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.RemotingSettings;
import dev.schedulerx.worker.plugin.PluginRegistry;
import dev.schedulerx.worker.plugin.PluginUnit;
import dev.schedulerx.worker.plugin.ProcessorInvoker;
import dev.schedulerx.worker.remote.Containers;
import dev.schedulerx.worker.task.TaskBodyCodec;
import dev.schedulerx.worker.testing.PluginJars;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.Patterns;

/**
 * Two actor systems talking over TCP on 127.0.0.1: a worker hosting the container endpoints over a plugin
 * JAR of test processors, and a master whose {@link TestMaster} sits at {@code /user/map_master_router}.
 */
final class WirePeers implements AutoCloseable {
  static final String HOST = "127.0.0.1";
  static final String WORKER_ID = "container-worker";
  static final long JOB_ID = 77;
  static final Duration WAIT = Duration.ofSeconds(20);

  final TestMaster.Record record = new TestMaster.Record();
  final PluginRegistry plugins;
  final ContainerPool pool;
  final ActorSystem<Void> worker;
  final org.apache.pekko.actor.ActorSystem master;
  final String masterPath;
  final String workerHostPort;

  WirePeers(Path dir, ContainerSettings settings, Class<?>... processors) throws IOException {
    Path jar = PluginJars.write(dir.resolve("plugins/container-tests.jar"), List.of(processors));
    plugins = new PluginRegistry(() -> List.of(PluginUnit.of(jar)));
    plugins.load();
    pool = new ContainerPool(8);
    Containers containers = new Containers(plugins, new ProcessorInvoker(), pool, new TaskBodyCodec(), settings);
    worker =
        ActorSystem.create(
            Behaviors.<Void>setup(ctx -> {
              containers.start(ctx);
              return Behaviors.empty();
            }),
            WORKER_ID,
            RemotingSettings.of(HOST, 0).toConfig());
    master = org.apache.pekko.actor.ActorSystem.create("master", RemotingSettings.of(HOST, 0).toConfig());
    master.actorOf(TestMaster.props(record), ActorPaths.WORKER_MAP_MASTER);
    masterPath = ActorPaths.SCHEME + "://master@" + hostPort(master) + "/user/" + ActorPaths.WORKER_MAP_MASTER;
    workerHostPort = hostPort(Adapter.toClassic(worker));
    // The endpoints exist once the worker's guardian has run its setup.
    await().atMost(WAIT).ignoreExceptions()
        .until(() -> ask(ActorPaths.WORKER_HEARTBEAT, MasterCheckWorkerAliveRequest.newBuilder().setJobInstanceId(1).build(), 1),
            reply -> reply instanceof MasterCheckWorkerAliveResponse);
  }

  /** A start request as a master fills it, for a processor named by {@code jobName}. */
  MasterStartContainerRequest.Builder task(long instance, long taskId, String processor) {
    return MasterStartContainerRequest.newBuilder()
        .setJobId(JOB_ID)
        .setJobInstanceId(instance)
        .setTaskId(taskId)
        .setScheduleTime(1_700_000_000_000L)
        .setDataTime(1_700_000_000_000L)
        .setJobType("golang")
        .setContent("{\"jobName\":\"" + processor + "\"}")
        .setUser("tester")
        .setInstanceMasterAkkaPath(masterPath)
        .setGroupId("g1")
        .setExecuteMode("broadcast")
        .setJobName("container test");
  }

  void startBatch(long instance, List<MasterStartContainerRequest> tasks) throws Exception {
    MasterBatchStartContainersRequest batch =
        MasterBatchStartContainersRequest.newBuilder().setJobInstanceId(instance).setJobId(JOB_ID).addAllStartReqs(tasks).build();
    Object reply = ask(ActorPaths.WORKER_CONTAINER, batch, 10);
    assertThat(reply).isInstanceOf(MasterBatchStartContainersResponse.class);
    assertThat(((MasterBatchStartContainersResponse) reply).getSuccess()).isTrue();
  }

  /** Asks a worker endpoint from the master's side and waits for the answer. */
  Object ask(String endpoint, Object message, int seconds) throws Exception {
    String path = ActorPaths.SCHEME + "://" + WORKER_ID + "@" + workerHostPort + "/user/" + endpoint;
    return Patterns.ask(master.actorSelection(path), message, Duration.ofSeconds(seconds))
        .toCompletableFuture()
        .get(seconds + 5L, TimeUnit.SECONDS);
  }

  /** Waits until the master accepted at least {@code count} statuses of the instance; returns them all. */
  List<TaskStatusInfo> awaitStatuses(long instance, int count) {
    return await().atMost(WAIT).until(() -> record.statuses(instance), s -> s.size() >= count);
  }

  @Override
  public void close() {
    try {
      master.terminate();
      master.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      worker.terminate();
      worker.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the actor systems", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("actor systems did not stop", e);
    } finally {
      pool.close();
      plugins.close();
    }
  }

  private static String hostPort(org.apache.pekko.actor.ActorSystem system) {
    Address address = ((ExtendedActorSystem) system).provider().getDefaultAddress();
    return address.getHost().orElseThrow() + ":" + address.getPort().orElseThrow();
  }
}
