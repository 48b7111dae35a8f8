package dev.schedulerx.worker.link;

import com.google.protobuf.UnsafeByteOperations;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.Resume.MasterLogAppendRequest;
import dev.schedulerx.protocol.Resume.MasterLogAppendResponse;
import dev.schedulerx.protocol.Resume.MasterLogReadRequest;
import dev.schedulerx.protocol.Resume.MasterLogReadResponse;
import dev.schedulerx.worker.instance.MasterLog;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;

/** Masters' operation logs kept by the server the link talks to (our server's {@code master_log_router}). */
public record LinkMasterLog(ActorRef<ServerLink.Command> link, boolean enabled) implements MasterLog {

  @Override
  public CompletionStage<Appended> append(long instanceId, int epoch, long seq, byte[] segment) {
    // Wrapped, not copied: the segment is never changed once made.
    MasterLogAppendRequest request = MasterLogAppendRequest.newBuilder().setJobInstanceId(instanceId).setEpoch(epoch)
        .setSeq(seq).setSegment(UnsafeByteOperations.unsafeWrap(segment)).build();
    return ask(request).thenApply(answer -> {
      MasterLogAppendResponse r = (MasterLogAppendResponse) answer;
      if (r.getFenced()) {
        return Appended.FENCED;
      }
      if (!r.getSuccess()) {
        throw new IllegalStateException("segment " + seq + " of instance " + instanceId + " not stored: " + r.getMessage());
      }
      return Appended.STORED;
    });
  }

  @Override
  public CompletionStage<Optional<Segment>> next(long instanceId, int epoch, int afterEpoch, long afterSeq) {
    MasterLogReadRequest request = MasterLogReadRequest.newBuilder().setJobInstanceId(instanceId).setEpoch(epoch)
        .setAfterEpoch(afterEpoch).setAfterSeq(afterSeq).build();
    return ask(request).thenApply(answer -> {
      MasterLogReadResponse r = (MasterLogReadResponse) answer;
      if (!r.getSuccess()) {
        throw new IllegalStateException("log of instance " + instanceId + " not readable: " + r.getMessage());
      }
      return r.hasSegment() ? Optional.of(new Segment(r.getSegmentEpoch(), r.getSegmentSeq(), r.getSegment().toByteArray()))
          : Optional.empty();
    });
  }

  private CompletionStage<Object> ask(Object request) {
    CompletableFuture<Object> reply = new CompletableFuture<>();
    link.tell(new ServerLink.AskServer(ActorPaths.SERVER_MASTER_LOG, request, reply));
    return reply;
  }
}
