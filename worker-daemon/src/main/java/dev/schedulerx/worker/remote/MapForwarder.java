package dev.schedulerx.worker.remote;

import static java.util.Objects.requireNonNull;

import com.alibaba.schedulerx.protocol.Worker.WorkerMapTaskRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerMapTaskResponse;
import com.google.protobuf.UnsafeByteOperations;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.worker.container.ContainerSettings;
import dev.schedulerx.worker.instance.JobInstanceSupervisor;
import dev.schedulerx.worker.remote.WorkerGuardian;
import dev.schedulerx.worker.task.TaskBodyCodec;
import dev.schedulerx.worker.task.TaskContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the sub-tasks of a {@code map()} call to the instance's master as {@code WorkerMapTaskRequest}s.
 * Runs on the calling container thread and blocks it until the master accepted every chunk, so the
 * caller's own status is reported only after its sub-tasks exist on the master.
 *
 * <p>Elements are encoded chunk by chunk, so a million-element list does not exist twice in memory; an
 * element that cannot be encoded or is too large fails the call (and so the calling task and the
 * instance), chunks sent before it notwithstanding. Chunks respect both a body count and a byte budget. A chunk is
 * asked up to {@code tries} times when the master does not answer (the master may then see it twice, as
 * with the official SDKs). {@code overload} without {@code success} means the chunk was not taken: it is
 * offered again after a pause, without counting as a try; {@code overload} with {@code success} means it
 * was taken and only delays the next chunk.
 */
final class MapForwarder {
  private static final Logger log = LoggerFactory.getLogger(MapForwarder.class);
  /** Tag and length of one repeated bytes field, counted against the chunk budget. */
  private static final int PER_BODY_OVERHEAD = 4;

  private final ActorSystem system;
  private final TaskBodyCodec codec;
  private final ContainerSettings.Mapping settings;

  MapForwarder(ActorSystem system, TaskBodyCodec codec, ContainerSettings.Mapping settings) {
    this.system = requireNonNull(system, "system");
    this.codec = requireNonNull(codec, "codec");
    this.settings = requireNonNull(settings, "settings");
  }

  /** A mapper for the tasks whose master listens at {@code masterPath}. */
  TaskContext.TaskMapper forMaster(String masterPath) {
    requireNonNull(masterPath, "masterPath");
    return (caller, tasks, taskName) -> {
      ActorSelection master = system.actorSelection(masterPath);
      return map(masterPath, caller, tasks, taskName, settings.chunkBodies(), settings.chunkBytes(),
          (name, bodies) -> ask(master, caller, name, bodies));
    };
  }

  /**
   * A mapper for the tasks of a master in this daemon: chunks go to its supervisor in memory, so they are
   * not bound by the frame size and are {@value #LOCAL_CHUNK_FACTOR} times larger (fewer round trips
   * through the master's mailbox while the root task maps).
   */
  TaskContext.TaskMapper forLocalMaster(LocalMaster local) {
    requireNonNull(local, "local");
    return (caller, tasks, taskName) -> map(local.masterPath(), caller, tasks, taskName,
        settings.chunkBodies() * LOCAL_CHUNK_FACTOR, settings.chunkBytes() * LOCAL_CHUNK_FACTOR,
        (name, bodies) -> AskPattern.<WorkerGuardian.Command, JobInstanceSupervisor.MapReply>ask(
                local.guardian(),
                r -> new WorkerGuardian.ToInstance(caller.jobInstanceId(), new JobInstanceSupervisor.MapTasks(caller.taskId(), name, bodies, r)),
                settings.askTimeout(), Adapter.toTyped(system).scheduler())
            .thenApply(reply -> new Answer(reply.accepted(), reply.overload(), reply.message())));
  }

  /** Chunks per local map call are this many times the wire chunks. */
  static final int LOCAL_CHUNK_FACTOR = 10;

  /** A master's answer to one chunk, wherever it came from. */
  private record Answer(boolean success, boolean overload, String message) {}

  /** Delivers one chunk of bodies named {@code name} to the master. */
  private interface Target {
    CompletionStage<Answer> deliver(String name, List<byte[]> bodies);
  }

  private CompletionStage<Answer> ask(ActorSelection master, TaskContext caller, String name, List<byte[]> bodies) {
    WorkerMapTaskRequest.Builder chunk =
        WorkerMapTaskRequest.newBuilder()
            .setJobId(caller.jobId())
            .setJobInstanceId(caller.jobInstanceId())
            .setTaskId(caller.taskId())
            .setTaskName(name);
    for (byte[] body : bodies) {
      // The encoded array is never touched again, so it is wrapped rather than copied.
      chunk.addTaskBody(UnsafeByteOperations.unsafeWrap(body));
    }
    return Patterns.ask(master, chunk.build(), settings.askTimeout()).thenApply(reply -> {
      if (reply instanceof WorkerMapTaskResponse response) {
        return new Answer(response.getSuccess(), response.getOverload(), response.getMessage());
      }
      throw new IllegalStateException("unexpected reply " + reply.getClass().getName());
    });
  }

  private ProcessResult map(
      String masterPath, TaskContext caller, List<?> tasks, String taskName, int chunkBodies, int chunkBytes, Target master) {
    if (tasks == null || tasks.isEmpty()) {
      return ProcessResult.failure("task list is empty");
    }
    String name = taskName == null ? "" : taskName;
    int chunks = 0;
    int next = 0;
    while (next < tasks.size()) {
      List<byte[]> chunk = new ArrayList<>(Math.min(chunkBodies, tasks.size() - next));
      int bytes = 0;
      while (next < tasks.size() && chunk.size() < chunkBodies) {
        byte[] body;
        try {
          body = codec.encode(tasks.get(next));
        } catch (RuntimeException e) {
          return ProcessResult.failure("task " + next + " of the list cannot be encoded: " + e.getMessage());
        }
        if (body.length > settings.maxBodyBytes()) {
          return ProcessResult.failure("task " + next + " of the list is " + body.length + " bytes, more than the "
              + settings.maxBodyBytes() + " bytes a task body may have");
        }
        if (!chunk.isEmpty() && bytes + body.length + PER_BODY_OVERHEAD > chunkBytes) {
          break; // the element opens the next chunk (it is encoded again then; rare, only at a byte-budget edge)
        }
        chunk.add(body);
        bytes += body.length + PER_BODY_OVERHEAD;
        next++;
      }
      String refusal = send(master, masterPath, name, chunk);
      if (refusal != null) {
        return ProcessResult.failure(refusal);
      }
      chunks++;
    }
    log.debug("instance {} task {}: {} sub-task(s) named {} sent to {} in {} chunk(s)",
        caller.jobInstanceId(), caller.taskId(), tasks.size(), name, masterPath, chunks);
    return ProcessResult.success();
  }

  /** Sends one chunk until the master accepts it; returns null, or why the map call fails. */
  private String send(Target master, String masterPath, String name, List<byte[]> chunk) {
    int tries = 0;
    String lastProblem = "";
    while (tries < settings.tries()) {
      tries++;
      Answer response;
      try {
        response =
            master.deliver(name, chunk)
                .toCompletableFuture()
                .get(settings.askTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted while sending sub-tasks to the master";
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        lastProblem = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        log.debug("map chunk to {} unanswered (try {} of {}): {}", masterPath, tries, settings.tries(), lastProblem);
        continue;
      }
      if (response.overload()) {
        // success + overload: accepted, but the master wants a pause before the next chunk (Go's meaning);
        // overload alone: not accepted, offer the same chunk again after the pause (not counted as a try).
        try {
          Thread.sleep(settings.overloadPause().toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return "interrupted while the master was overloaded";
        }
        if (response.success()) {
          return null;
        }
        tries--;
        continue;
      }
      if (response.success()) {
        return null;
      }
      return "master refused the sub-tasks: " + response.message();
    }
    return "master " + masterPath + " did not accept the sub-tasks (" + settings.tries() + " tries of "
        + settings.askTimeout().toSeconds() + " s): " + lastProblem;
  }
}
