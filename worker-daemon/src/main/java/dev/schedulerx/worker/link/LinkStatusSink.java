package dev.schedulerx.worker.link;

import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.worker.instance.StatusSink;
import dev.schedulerx.worker.task.InstanceSpec;
import org.apache.pekko.actor.typed.ActorRef;

/** Instance statuses and progress go to the server through the link. */
public record LinkStatusSink(ActorRef<ServerLink.Command> link) implements StatusSink {
  @Override
  public void report(InstanceSpec instance, InstanceStatus status, String result, String progress) {
    link.tell(new ServerLink.ReportStatus(instance.jobId(), instance.instanceId(), instance.groupId(), status, result, progress));
  }

  @Override
  public void progress(InstanceSpec instance, String progressJson) {
    link.tell(new ServerLink.ReportProgress(instance.jobId(), instance.instanceId(), progressJson));
  }
}
