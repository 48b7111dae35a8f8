package dev.schedulerx.worker.remote;

import com.alibaba.schedulerx.protocol.Worker.MasterCheckWorkerAliveRequest;
import com.alibaba.schedulerx.protocol.Worker.MasterCheckWorkerAliveResponse;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.Props;

/**
 * {@code /user/heartbeat_routing}: instance masters ask here whether this worker is still alive. Answering
 * at all is the answer. Classic, because the reply goes to the request's sender.
 */
public final class WorkerAliveEndpoint extends AbstractActor {
  private static final MasterCheckWorkerAliveResponse ALIVE = MasterCheckWorkerAliveResponse.newBuilder().setSuccess(true).build();

  private WorkerAliveEndpoint() {}

  public static Props props() {
    return Props.create(WorkerAliveEndpoint.class, WorkerAliveEndpoint::new);
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(MasterCheckWorkerAliveRequest.class, request -> getSender().tell(ALIVE, getSelf()))
        .build();
  }
}
