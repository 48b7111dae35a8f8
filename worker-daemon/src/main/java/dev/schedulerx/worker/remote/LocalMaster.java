package dev.schedulerx.worker.remote;

import static java.util.Objects.requireNonNull;

import dev.schedulerx.worker.container.MasterChannel;
import dev.schedulerx.worker.instance.JobInstanceSupervisor.TaskOutcome;
import dev.schedulerx.worker.instance.JobInstanceSupervisor;
import dev.schedulerx.worker.remote.WorkerGuardian;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The masters of this daemon as its own containers reach them: in memory, through the guardian, with the
 * typed commands {@link MapMasterEndpoint} would build from the wire messages. A status or a map call
 * from a container to a master in the same JVM thus costs no protobuf encoding, decoding or remoting.
 *
 * @param masterPath this daemon's {@code map_master_router} path, as start requests name the master
 * @param workerAddr this worker's {@code host:port}, as status reports name the sender
 * @param ignore where acknowledgements of in-memory reports go (nothing waits for them)
 */
record LocalMaster(String masterPath, String workerAddr, ActorRef<WorkerGuardian.Command> guardian, ActorRef<Done> ignore) {
  LocalMaster {
    requireNonNull(masterPath, "masterPath");
    requireNonNull(workerAddr, "workerAddr");
    requireNonNull(guardian, "guardian");
    requireNonNull(ignore, "ignore");
  }

  boolean isHere(String path) {
    return masterPath.equals(path);
  }

  /** Final statuses of tasks of one instance, delivered in order with the other commands to its supervisor. */
  void report(long instanceId, List<MasterChannel.Outcome> outcomes) {
    List<TaskOutcome> finished = new ArrayList<>(outcomes.size());
    for (MasterChannel.Outcome o : outcomes) {
      if (o.status().isFinished()) {
        finished.add(new TaskOutcome(o.taskId(), o.status(), o.result() == null ? "" : o.result()));
      }
    }
    if (!finished.isEmpty()) {
      guardian.tell(new WorkerGuardian.ToInstance(instanceId, new JobInstanceSupervisor.TaskReports(workerAddr, finished, ignore)));
    }
  }
}
