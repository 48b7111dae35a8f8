package dev.schedulerx.server.remote;

import com.google.protobuf.ByteString;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.Resume.MasterLogAppendRequest;
import dev.schedulerx.protocol.Resume.MasterLogAppendResponse;
import dev.schedulerx.protocol.Resume.MasterLogReadRequest;
import dev.schedulerx.protocol.Resume.MasterLogReadResponse;
import dev.schedulerx.server.dispatch.MasterResume;
import dev.schedulerx.server.store.MasterLogRepository;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /user/master_log_router} (our server only): masters append segments of their operation logs, and a
 * resuming master reads its predecessors' back. The store work runs on the store executor; a follower passes
 * requests on to the leader, keeping the master as sender.
 */
final class MasterLogEndpoint extends AbstractActor {
  private static final Logger log = LoggerFactory.getLogger(MasterLogEndpoint.class);

  private final MasterResume resume;
  private final Supplier<Optional<String>> leaderRemoting;

  private MasterLogEndpoint(MasterResume resume, Supplier<Optional<String>> leaderRemoting) {
    this.resume = resume;
    this.leaderRemoting = leaderRemoting;
  }

  static Props props(MasterResume resume, Supplier<Optional<String>> leaderRemoting) {
    return Props.create(MasterLogEndpoint.class, () -> new MasterLogEndpoint(resume, leaderRemoting));
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(MasterLogAppendRequest.class, this::onAppend)
        .match(MasterLogReadRequest.class, this::onRead)
        .build();
  }

  private boolean forwardedToLeader(Object request) {
    Optional<String> leader = leaderRemoting.get();
    leader.ifPresent(l -> getContext().getSystem()
        .actorSelection(ActorPaths.onServer(ActorPaths.schemeOf(getContext().getSystem()), l, ActorPaths.SERVER_MASTER_LOG))
        .tell(request, getSender()));
    return leader.isPresent();
  }

  private void onAppend(MasterLogAppendRequest request) {
    if (forwardedToLeader(request)) {
      return;
    }
    ActorRef replyTo = getSender();
    if (!resume.settings().enabled()) {
      replyTo.tell(MasterLogAppendResponse.newBuilder().setSuccess(false).setMessage("master resume is off on this server")
          .build(), ActorRef.noSender());
      return;
    }
    resume.append(request.getJobInstanceId(), request.getEpoch(), request.getSeq(), request.getSegment().toByteArray())
        .whenComplete((appended, failure) -> {
          MasterLogAppendResponse.Builder answer = MasterLogAppendResponse.newBuilder();
          if (failure != null) {
            log.warn("instance {}: log segment {} of epoch {} not stored, the master sends it again: {}",
                request.getJobInstanceId(), request.getSeq(), request.getEpoch(), failure.toString());
            answer.setSuccess(false).setMessage("not stored: " + failure.getMessage());
          } else {
            answer.setSuccess(appended != MasterLogRepository.Appended.FENCED)
                .setFenced(appended == MasterLogRepository.Appended.FENCED);
          }
          replyTo.tell(answer.build(), ActorRef.noSender());
        });
  }

  private void onRead(MasterLogReadRequest request) {
    if (forwardedToLeader(request)) {
      return;
    }
    ActorRef replyTo = getSender();
    resume.next(request.getJobInstanceId(), request.getEpoch(), request.getAfterEpoch(), request.getAfterSeq())
        .whenComplete((segment, failure) -> {
          MasterLogReadResponse.Builder answer = MasterLogReadResponse.newBuilder().setSuccess(failure == null);
          if (failure != null) {
            answer.setMessage(failure.getMessage());
          } else {
            segment.ifPresent(s -> answer.setSegment(ByteString.copyFrom(s.bytes())).setSegmentEpoch(s.epoch()).setSegmentSeq(s.seq()));
          }
          replyTo.tell(answer.build(), ActorRef.noSender());
        });
  }
}
