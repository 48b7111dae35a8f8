package dev.schedulerx.worker.remote;

import static java.util.Objects.requireNonNull;

import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.worker.container.MasterChannel;
import dev.schedulerx.worker.container.TaskGroup;
import dev.schedulerx.worker.instance.TaskContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/** The containers' view of their masters, over the wire: statuses through the {@link TaskReporter}, map() through the {@link MapForwarder}. */
final class WireMasterChannel implements MasterChannel {
  private final ActorRef<TaskReporter.Command> reporter;
  private final MapForwarder forwarder;

  WireMasterChannel(ActorRef<TaskReporter.Command> reporter, MapForwarder forwarder) {
    this.reporter = requireNonNull(reporter, "reporter");
    this.forwarder = requireNonNull(forwarder, "forwarder");
  }

  @Override
  public void report(TaskGroup group, long taskId, String taskName, TaskStatus status, String result) {
    reporter.tell(
        new TaskReporter.Report(
            group.masterPath(), group.instance().jobId(), group.instanceId(), group.serialNum(), taskId, taskName, status, result));
  }

  @Override
  public void reportAll(List<Outcome> outcomes) {
    List<TaskReporter.Report> reports = new ArrayList<>(outcomes.size());
    for (Outcome o : outcomes) {
      TaskGroup group = o.group();
      reports.add(new TaskReporter.Report(
          group.masterPath(), group.instance().jobId(), group.instanceId(), group.serialNum(), o.taskId(), o.taskName(), o.status(), o.result()));
    }
    reporter.tell(new TaskReporter.ReportAll(reports));
  }

  @Override
  public void flush(long instanceId) {
    reporter.tell(new TaskReporter.Flush(instanceId));
  }

  @Override
  public TaskContext.TaskMapper mapper(TaskGroup group) {
    return forwarder.forMaster(group.masterPath());
  }
}
