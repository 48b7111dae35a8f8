package dev.schedulerx.protocol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.remote.transport.AbstractTransportAdapter;
import org.apache.pekko.remote.transport.AssociationHandle;
import org.apache.pekko.remote.transport.AssociationHandle.HandleEvent;
import org.apache.pekko.remote.transport.AssociationHandle.HandleEventListener;
import org.apache.pekko.remote.transport.AssociationHandle.InboundPayload;
import org.apache.pekko.remote.transport.Transport;
import org.apache.pekko.remote.transport.Transport.AssociationEventListener;
import org.apache.pekko.remote.transport.Transport.InboundAssociation;
import org.apache.pekko.remote.transport.TransportAdapterProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.Future;
import scala.concurrent.Promise;
import scala.jdk.javaapi.FutureConverters;

/**
 * A classic-remoting transport adapter that closes a connection sending a reliable-delivery sequence number far
 * ahead of what its stream has delivered. Unguarded, one unauthenticated frame with a huge {@code seq} makes
 * Pekko's receive buffer walk every missing number of the gap on a remote dispatcher thread (minutes, gigabytes);
 * two such frames stop a node. Sane peers number their system messages 0, 1, 2, … in order over TCP and resend
 * from the first unacknowledged one after a reconnect, so a gap never happens; {@value #MAX_GAP} is slack.
 *
 * <p>The adapter adds nothing to the scheme ({@code akka.tcp} stays {@code akka.tcp}) and nothing to the wire.
 * Ordinary messages carry no sequence number and pass after a scan of a few bytes. Enabled for every actor system
 * built from {@link RemotingSettings}, as the transport adapter named {@code sx-seq-guard}.
 */
public final class ReliableDeliveryGuard implements TransportAdapterProvider {
  /** How far ahead of the delivered frontier a sequence number may be. */
  static final int MAX_GAP = 64;

  /** Streams remembered across reconnects; a flood of made-up origins evicts the oldest. */
  static final int MAX_STREAMS = 4096;

  private static final Logger log = LoggerFactory.getLogger(ReliableDeliveryGuard.class);

  /** Instantiated by Pekko through the {@code adapters} setting. */
  public ReliableDeliveryGuard() {}

  @Override
  public Transport create(Transport wrappedTransport, ExtendedActorSystem system) {
    return new GuardedTransport(wrappedTransport, system);
  }

  /**
   * What the receiving side of one origin's stream has delivered: numbers up to {@code frontier}, and the ones in
   * {@code ahead} (at most {@value #MAX_GAP}), as Pekko's own receive buffer does.
   */
  static final class Stream {
    private long frontier = -1;
    private final TreeSet<Long> ahead = new TreeSet<>();

    /** Records {@code seq}; false when it is too far ahead to be accepted. */
    synchronized boolean accept(long seq) {
      if (seq <= frontier) {
        return true; // a resend of something delivered
      }
      if (seq - frontier > MAX_GAP) {
        return false;
      }
      ahead.add(seq);
      while (!ahead.isEmpty() && ahead.first() == frontier + 1) {
        frontier = ahead.pollFirst();
      }
      return true;
    }

    synchronized long frontier() {
      return frontier;
    }
  }

  static final class GuardedTransport extends AbstractTransportAdapter {
    private final Map<String, Stream> streams =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Stream> eldest) {
            return size() > MAX_STREAMS;
          }
        };

    GuardedTransport(Transport wrapped, ExtendedActorSystem system) {
      super(wrapped, system.dispatcher());
    }

    Stream stream(String origin) {
      synchronized (streams) {
        return streams.computeIfAbsent(origin, o -> new Stream());
      }
    }

    @Override
    public String addedSchemeIdentifier() {
      return "sx-seq-guard";
    }

    // The scheme is left alone: peers must keep seeing akka.tcp / akka.ssl.tcp.
    @Override
    public String augmentScheme(String scheme) {
      return scheme;
    }

    @Override
    public Address augmentScheme(Address address) {
      return address;
    }

    @Override
    public String removeScheme(String scheme) {
      return scheme;
    }

    @Override
    public Address removeScheme(Address address) {
      return address;
    }

    @Override
    public int maximumOverhead() {
      return 0;
    }

    @Override
    public Future<AssociationEventListener> interceptListen(Address listenAddress, Future<AssociationEventListener> upstream) {
      // Answered at once: the upstream listener is registered only after listening has completed.
      CompletableFuture<AssociationEventListener> listener = FutureConverters.asJava(upstream).toCompletableFuture();
      AssociationEventListener ours = event -> listener.thenAccept(l -> l.notify(
          event instanceof InboundAssociation inbound
              ? new InboundAssociation(new GuardedHandle(inbound.association(), this, null))
              : event));
      return Future.successful(ours);
    }

    @Override
    public void interceptAssociate(Address remoteAddress, Promise<AssociationHandle> statusPromise) {
      // Outbound: the peer we dialled is the origin of what comes back.
      CompletableFuture<AssociationHandle> guarded =
          FutureConverters.asJava(wrappedTransport().associate(remoteAddress)).toCompletableFuture()
              .thenApply(handle -> new GuardedHandle(handle, this, stream(remoteAddress.toString())));
      statusPromise.completeWith(FutureConverters.asScala(guarded));
    }
  }

  static final class GuardedHandle implements AssociationHandle, HandleEventListener {
    private final AssociationHandle wrapped;
    private final GuardedTransport transport;
    private final Promise<HandleEventListener> readHandler = Promise.apply();
    private volatile HandleEventListener upstream;
    /** Known once the origin is (outbound: at once; inbound: from its ASSOCIATE). */
    private volatile Stream stream;

    GuardedHandle(AssociationHandle wrapped, GuardedTransport transport, Stream stream) {
      this.wrapped = wrapped;
      this.transport = transport;
      this.stream = stream;
      FutureConverters.asJava(readHandler.future()).thenAccept(listener -> {
        upstream = listener;
        wrapped.readHandlerPromise().success(this);
      });
    }

    @Override
    public Address localAddress() {
      return wrapped.localAddress();
    }

    @Override
    public Address remoteAddress() {
      return wrapped.remoteAddress();
    }

    @Override
    public Promise<HandleEventListener> readHandlerPromise() {
      return readHandler;
    }

    @Override
    public boolean write(org.apache.pekko.util.ByteString payload) {
      return wrapped.write(payload);
    }

    @Override
    public void disassociate() {
      wrapped.disassociate();
    }

    @Override
    public void disassociate(String reason, org.apache.pekko.event.LoggingAdapter log) {
      wrapped.disassociate(reason, log);
    }

    @Override
    public void notify(HandleEvent event) {
      if (event instanceof InboundPayload inbound && !admitted(inbound.payload().toArrayUnsafe())) {
        return;
      }
      upstream.notify(event);
    }

    private boolean admitted(byte[] pdu) {
      long seq = PduScan.seq(pdu);
      if (seq == PduScan.NO_SEQ) {
        if (stream == null) {
          String origin = PduScan.associateOrigin(pdu);
          if (origin != null) {
            stream = transport.stream(origin);
          }
        }
        return true;
      }
      // A message before any ASSOCIATE is refused by Pekko itself; count it on this connection alone meanwhile.
      Stream s = stream == null ? (stream = new Stream()) : stream;
      if (s.accept(seq)) {
        return true;
      }
      log.warn("remoting: closed the connection from {}: it sent reliable-delivery seq {} while its stream had"
              + " delivered up to {} (more than {} ahead)",
          remoteAddress(), Long.toUnsignedString(seq), s.frontier(), MAX_GAP);
      wrapped.disassociate();
      return false;
    }
  }
}
