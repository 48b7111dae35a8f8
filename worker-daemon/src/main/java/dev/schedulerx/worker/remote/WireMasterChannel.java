package dev.schedulerx.worker.remote;

import static java.util.Objects.requireNonNull;

import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.worker.container.MasterChannel;
import dev.schedulerx.worker.container.TaskGroup;
import dev.schedulerx.worker.task.TaskContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The containers' view of their masters, over the wire: statuses through the {@link TaskReporter}, map()
 * through the {@link MapForwarder}. Statuses and map() calls for a master in this very daemon ({@link
 * LocalMaster}) skip the wire and go to the instance's supervisor as they are.
 */
final class WireMasterChannel implements MasterChannel {
  private final ActorRef<TaskReporter.Command> reporter;
  private final MapForwarder forwarder;
  private final LocalMaster local;

  /** @param local this daemon's own masters, or null when there are none (container-only tests) */
  WireMasterChannel(ActorRef<TaskReporter.Command> reporter, MapForwarder forwarder, LocalMaster local) {
    this.reporter = requireNonNull(reporter, "reporter");
    this.forwarder = requireNonNull(forwarder, "forwarder");
    this.local = local;
  }

  @Override
  public void report(TaskGroup group, long taskId, String taskName, TaskStatus status, String result) {
    if (local != null && local.isHere(group.masterPath())) {
      local.report(group.instanceId(), List.of(new Outcome(group, taskId, taskName, status, result)));
      return;
    }
    reporter.tell(
        new TaskReporter.Report(
            group.masterPath(), group.instance().jobId(), group.instanceId(), group.serialNum(), taskId, taskName, status, result));
  }

  @Override
  public void reportAll(List<Outcome> outcomes) {
    List<TaskReporter.Report> reports = new ArrayList<>(outcomes.size());
    List<Outcome> here = new ArrayList<>();
    for (Outcome o : outcomes) {
      TaskGroup group = o.group();
      if (local != null && local.isHere(group.masterPath())) {
        if (!here.isEmpty() && here.get(here.size() - 1).group().instanceId() != group.instanceId()) {
          local.report(here.get(0).group().instanceId(), here);
          here = new ArrayList<>();
        }
        here.add(o);
        continue;
      }
      reports.add(new TaskReporter.Report(
          group.masterPath(), group.instance().jobId(), group.instanceId(), group.serialNum(), o.taskId(), o.taskName(), o.status(), o.result()));
    }
    if (!here.isEmpty()) {
      local.report(here.get(0).group().instanceId(), here);
    }
    if (!reports.isEmpty()) {
      reporter.tell(new TaskReporter.ReportAll(reports));
    }
  }

  @Override
  public void flush(long instanceId) {
    reporter.tell(new TaskReporter.Flush(instanceId));
  }

  @Override
  public TaskContext.TaskMapper mapper(TaskGroup group) {
    return local != null && local.isHere(group.masterPath())
        ? forwarder.forLocalMaster(local)
        : forwarder.forMaster(group.masterPath());
  }
}
