package dev.schedulerx.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.alibaba.schedulerx.protocol.Worker.WorkerHeartBeatRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerHeartBeatResponse;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.RemotingSettings;
import dev.schedulerx.server.SchedulerServer;
import dev.schedulerx.server.config.ServerSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Raw TCP garbage against the remoting port: random bytes, length-prefixed random frames, truncated frames, huge
 * and negative declared lengths, and protobuf that looks like Pekko/Akka classic wire format (associate
 * handshakes, envelopes for the heartbeat actor with garbage messages). Every connection must be refused or
 * tolerated without taking the server down: afterwards a fresh worker still gets a heartbeat answer, HTTP health
 * answers 200 and the server's threads have not piled up.
 */
class RemotingFuzzTest {
  private static final long SEED = Long.getLong("fuzz.seed", 0x5C4ED_F022L);
  private static final int CONNECTIONS = Integer.getInteger("fuzz.connections", 200);
  private static final int MAX_FRAME = RemotingSettings.DEFAULT_MAXIMUM_FRAME_SIZE;

  static SchedulerServer server;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeAll
  static void start() {
    ServerSettings settings =
        new ServerSettings("127.0.0.1", 0, 0, Path.of("target"),
            new ServerSettings.DatabaseSettings("jdbc:h2:mem:fuzz-remoting-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 2),
            Duration.ofSeconds(9), Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofDays(1),
            List.of(new ServerSettings.AppGroup("ns", "g1", "secret")), ServerSettings.ApiSecurity.DEFAULT, ServerSettings.Lease.DEFAULT, TlsSettings.OFF);
    server = SchedulerServer.builder(settings).build().start();
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    if (server != null) {
      server.close();
    }
  }

  // ---- the kinds of garbage ----

  enum Kind { RANDOM_BYTES, LENGTH_PREFIXED_RANDOM, TRUNCATED, HUGE_LENGTH, NEGATIVE_LENGTH, PROTOBUF_GARBAGE }

  /** What to send on connection {@code i}: a function of the seed and {@code i} only, whatever the thread order. */
  static byte[] payload(Kind kind, Random r, String serverHostPort) throws IOException {
    return switch (kind) {
      case RANDOM_BYTES -> bytes(r, 1 + r.nextInt(r.nextBoolean() ? 64 : 8192));
      case LENGTH_PREFIXED_RANDOM -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int f = 0, n = 1 + r.nextInt(4); f < n; f++) {
          out.write(frame(bytes(r, r.nextInt(r.nextBoolean() ? 32 : 4096))));
        }
        yield out.toByteArray();
      }
      case TRUNCATED -> {
        int declared = 16 + r.nextInt(MAX_FRAME - 16);
        byte[] body = bytes(r, r.nextInt(Math.min(declared, 4096)));
        yield concat(ByteBuffer.allocate(4).putInt(declared).array(), body);
      }
      case HUGE_LENGTH -> {
        int declared = switch (r.nextInt(3)) {
          case 0 -> Integer.MAX_VALUE;
          case 1 -> MAX_FRAME + 1;
          default -> MAX_FRAME + 1 + r.nextInt(Integer.MAX_VALUE - MAX_FRAME - 1);
        };
        yield concat(ByteBuffer.allocate(4).putInt(declared).array(), bytes(r, r.nextInt(1024)));
      }
      case NEGATIVE_LENGTH ->
          concat(ByteBuffer.allocate(4).putInt(r.nextBoolean() ? -1 : Integer.MIN_VALUE + r.nextInt(1 << 20)).array(), bytes(r, r.nextInt(256)));
      case PROTOBUF_GARBAGE -> protobufGarbage(r, serverHostPort);
    };
  }

  /**
   * Frames shaped like classic remoting's {@code AkkaProtocolMessage}: sometimes a well-formed ASSOCIATE from a
   * made-up origin first, then payloads holding {@code AckAndEnvelopeContainer}s with a recipient on the server
   * and a serialized message that is garbage, or wrong-serializer, or a random field soup.
   */
  static byte[] protobufGarbage(Random r, String serverHostPort) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (r.nextInt(3) > 0) {
      byte[] address = message(o -> {
        o.writeString(1, r.nextInt(4) == 0 ? randomText(r, 20) : "127000000001_" + (1000 + r.nextInt(60000)) + "_1");
        o.writeString(2, r.nextInt(4) == 0 ? randomText(r, 10) : "127.0.0.1");
        o.writeUInt32(3, r.nextInt(4) == 0 ? r.nextInt() : 1 + r.nextInt(65535));
        o.writeString(4, r.nextBoolean() ? "akka.tcp" : randomText(r, 8));
      });
      byte[] handshake = message(o -> {
        o.writeByteArray(1, address);
        o.writeFixed64(2, r.nextLong());
        if (r.nextBoolean()) {
          o.writeString(3, randomText(r, 16));
        }
      });
      byte[] control = message(o -> {
        o.writeEnum(1, r.nextInt(4) == 0 ? r.nextInt(10) : 1); // 1 = ASSOCIATE
        if (r.nextInt(5) > 0) {
          o.writeByteArray(2, handshake);
        }
      });
      out.write(frame(message(o -> o.writeByteArray(2, control))));
    }
    for (int f = 0, n = 1 + r.nextInt(3); f < n; f++) {
      String recipient = switch (r.nextInt(3)) {
        case 0 -> ActorPaths.onServer(serverHostPort, ActorPaths.SERVER_HEARTBEAT);
        case 1 -> ActorPaths.onServer(serverHostPort, ActorPaths.SERVER_INSTANCE_STATUS);
        default -> randomText(r, 40);
      };
      byte[] serialized = message(o -> {
        o.writeByteArray(1, bytes(r, r.nextInt(512)));
        o.writeInt32(2, switch (r.nextInt(4)) {
          case 0 -> 2; // protobuf
          case 1 -> 1; // java serialization, which is off
          default -> r.nextInt();
        });
        if (r.nextBoolean()) {
          o.writeBytes(3, ByteString.copyFromUtf8(r.nextBoolean() ? WorkerHeartBeatRequest.class.getName() : randomText(r, 30)));
        }
      });
      byte[] envelope = message(o -> {
        o.writeByteArray(1, message(p -> p.writeString(1, recipient)));
        o.writeByteArray(2, serialized);
        if (r.nextBoolean()) {
          o.writeByteArray(4, message(p -> p.writeString(1, randomText(r, 30))));
        }
        if (r.nextBoolean()) {
          // Reliable-delivery seq: small, or anywhere (the guard closes the connection; see the test below).
          o.writeFixed64(5, r.nextBoolean() ? r.nextInt(4) : r.nextLong());
        }
      });
      byte[] container = r.nextInt(4) == 0 ? bytes(r, r.nextInt(300)) : message(o -> o.writeByteArray(2, envelope));
      out.write(frame(message(o -> o.writeByteArray(1, container))));
    }
    return out.toByteArray();
  }

  private interface Fields {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] message(Fields fields) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    fields.write(out);
    out.flush();
    return bytes.toByteArray();
  }

  private static byte[] frame(byte[] body) {
    return concat(ByteBuffer.allocate(4).putInt(body.length).array(), body);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = new byte[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static String randomText(Random r, int max) {
    StringBuilder s = new StringBuilder();
    for (int i = 0, n = r.nextInt(max + 1); i < n; i++) {
      s.append((char) (r.nextInt(5) == 0 ? r.nextInt(0x2FF) : 0x20 + r.nextInt(0x5F)));
    }
    return s.toString();
  }

  // ---- one connection ----

  /** How the server treated a connection. */
  enum Outcome { CLOSED_BY_SERVER, RESET_BY_SERVER, STILL_OPEN, REFUSED_WRITE, ANSWERED_THEN_CLOSED, ANSWERED_STILL_OPEN }

  static Outcome hit(int port, byte[] payload) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(150);
      try {
        OutputStream out = socket.getOutputStream();
        out.write(payload);
        out.flush();
      } catch (IOException e) {
        return Outcome.REFUSED_WRITE; // the server already closed on the first bytes
      }
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      boolean answered = false;
      try {
        // Pekko may answer with a DISASSOCIATE PDU before it closes; read until EOF, reset or a quiet 150 ms.
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          answered = true;
        }
        return answered ? Outcome.ANSWERED_THEN_CLOSED : Outcome.CLOSED_BY_SERVER;
      } catch (SocketTimeoutException e) {
        return answered ? Outcome.ANSWERED_STILL_OPEN : Outcome.STILL_OPEN; // tolerated; we close it ourselves
      } catch (IOException e) {
        return answered ? Outcome.ANSWERED_THEN_CLOSED : Outcome.RESET_BY_SERVER;
      }
    }
  }

  // ---- checks ----

  private static WorkerHeartBeatResponse heartbeat(ActorSystem worker, String workerId) throws Exception {
    WorkerHeartBeatRequest hb =
        WorkerHeartBeatRequest.newBuilder().setGroupId("g1").setVersion("test").setWorkerId(workerId)
            .setStarter("java").setAppKey("secret").setOnline(true).build();
    Object reply =
        Patterns.ask(worker.actorSelection(ActorPaths.onServer(server.remotingAddress(), ActorPaths.SERVER_HEARTBEAT)), hb, Duration.ofSeconds(10))
            .toCompletableFuture().get(15, TimeUnit.SECONDS);
    return (WorkerHeartBeatResponse) reply;
  }

  private static long guardRefusals() {
    synchronized (logs) {
      return logs.list.stream().filter(e -> e.getFormattedMessage().contains("sent reliable-delivery seq")).count();
    }
  }

  private static int health() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/api/v1/health"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static int serverThreads() {
    return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("server-")).count();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void garbageOnTheRemotingPortIsRefusedAndTheServerKeepsServing() throws Exception {
    String seedNote = "fuzz seed 0x" + Long.toHexString(SEED) + " (rerun with -Dfuzz.seed=" + SEED + ")";
    String hostPort = server.remotingAddress();
    int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));

    // Baseline: a worker heartbeats once, so the remoting threads exist before we count them.
    ActorSystem warmup = ActorSystem.create("127000000001_4242_1", RemotingSettings.of("127.0.0.1", 0).toConfig());
    try {
      assertThat(heartbeat(warmup, "127000000001_4242_1").getSuccess()).as(seedNote).isTrue();
    } finally {
      warmup.terminate();
      warmup.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    int serverThreadsBefore = serverThreads();
    int allThreadsBefore = Thread.activeCount();

    // Slow peers, opened before the storm and left hanging: silent, mid-frame, and handshake-less.
    long stalledAt = System.nanoTime();
    List<Socket> stalled = new ArrayList<>();
    for (byte[] partial : List.of(new byte[0], new byte[] {0, 0, 1, 0, 42, 42}, frame(new byte[] {0x12, 0x02, 0x08, 0x03}))) {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.getOutputStream().write(partial);
      s.getOutputStream().flush();
      stalled.add(s);
    }

    long started = System.nanoTime();
    Map<Kind, Map<Outcome, AtomicInteger>> outcomes = new ConcurrentHashMap<>();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> sent = new ArrayList<>();
      Kind[] kinds = Kind.values();
      for (int i = 0; i < CONNECTIONS; i++) {
        int connection = i;
        sent.add(pool.submit(() -> {
          Random r = new Random(SEED * 31 + connection);
          Kind kind = kinds[connection % kinds.length];
          try {
            Outcome outcome = hit(port, payload(kind, r, hostPort));
            outcomes.computeIfAbsent(kind, k -> new ConcurrentHashMap<>()).computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
          } catch (IOException e) {
            failures.add("connection " + connection + " (" + kind + "): " + e);
          }
        }));
      }
      for (Future<?> f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long stormMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    Map<Kind, Map<Outcome, AtomicInteger>> sorted = new TreeMap<>(outcomes);
    System.out.println("[fuzz] remoting: " + CONNECTIONS + " connections in " + stormMillis + " ms, " + seedNote + ": " + sorted);
    assertThat(failures).as("connections the server would not even accept; " + seedNote).isEmpty();

    // The server still serves: a fresh worker-side actor system heartbeats, and HTTP health answers.
    ActorSystem fresh = ActorSystem.create("127000000001_4243_1", RemotingSettings.of("127.0.0.1", 0).toConfig());
    try {
      WorkerHeartBeatResponse response = heartbeat(fresh, "127000000001_4243_1");
      assertThat(response.getSuccess()).as("heartbeat after the storm; " + seedNote).isTrue();
    } finally {
      fresh.terminate();
      fresh.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    assertThat(health()).as("GET /api/v1/health after the storm; " + seedNote).isEqualTo(200);

    // No thread pile-up: the server's dispatcher threads settle back near the baseline.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (serverThreads() > serverThreadsBefore + 8 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    System.out.println("[fuzz] remoting: server-* threads " + serverThreadsBefore + " -> " + serverThreads()
        + ", all threads " + allThreadsBefore + " -> " + Thread.activeCount());
    assertThat(serverThreads()).as("server-* threads after the storm; " + seedNote).isLessThanOrEqualTo(serverThreadsBefore + 8);
    assertThat(Thread.activeCount()).as("live threads after the storm; " + seedNote).isLessThanOrEqualTo(allThreadsBefore + 40);

    // Hanging peers are not kept forever: the server drops each one (connection-timeout, 5 s) without our help.
    List<String> stalledFates = new ArrayList<>();
    for (Socket s : stalled) {
      try (s) {
        long left = TimeUnit.SECONDS.toMillis(12) - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalledAt);
        s.setSoTimeout((int) Math.max(1, left));
        String fate;
        try {
          while (s.getInputStream().read(new byte[512]) >= 0) {
            // a DISASSOCIATE PDU may come first
          }
          fate = "closed";
        } catch (SocketTimeoutException e) {
          fate = "STILL OPEN";
        } catch (IOException e) {
          fate = "reset";
        }
        stalledFates.add(fate + " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalledAt) + " ms");
      }
    }
    System.out.println("[fuzz] remoting: stalled connections " + stalledFates);
    assertThat(stalledFates).as("stalled connections are dropped by the server within 12 s; " + seedNote).noneMatch(f -> f.startsWith("STILL"));

    // The refusals are logged (Pekko reports broken inbound connections at WARN/ERROR), never silently swallowed.
    List<ILoggingEvent> remotingWarnings;
    synchronized (logs) {
      remotingWarnings = logs.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) && e.getLoggerName().startsWith("org.apache.pekko.remote")).toList();
    }
    System.out.println("[fuzz] remoting: " + remotingWarnings.size() + " WARN/ERROR lines from org.apache.pekko.remote, e.g. "
        + remotingWarnings.stream().map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).distinct().limit(6).toList());
    assertThat(remotingWarnings).as("the refused connections are logged; " + seedNote).isNotEmpty();
  }

  /**
   * Found by this fuzzer in Pekko classic remoting: one forged ASSOCIATE followed by one envelope whose
   * reliable-delivery {@code seq} is huge made {@code AckedReceiveBuffer.extractDeliverable} walk every missing
   * number of the gap on a remote dispatcher thread; two such connections stopped the server answering heartbeats.
   * The {@code ReliableDeliveryGuard} transport adapter closes such connections: each is logged, and the server
   * keeps answering.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aHugeReliableDeliverySeqDoesNotStopTheServer() throws Exception {
    String hostPort = server.remotingAddress();
    int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    List<Socket> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        int origin = 20000 + i;
        byte[] address = message(o -> {
          o.writeString(1, "127000000001_" + origin + "_1");
          o.writeString(2, "127.0.0.1");
          o.writeUInt32(3, origin);
          o.writeString(4, "akka.tcp");
        });
        byte[] handshake = message(o -> {
          o.writeByteArray(1, address);
          o.writeFixed64(2, 42L + origin);
        });
        byte[] associate = message(o -> o.writeByteArray(2, message(c -> {
          c.writeEnum(1, 1);
          c.writeByteArray(2, handshake);
        })));
        byte[] envelope = message(o -> {
          o.writeByteArray(1, message(p -> p.writeString(1, ActorPaths.onServer(hostPort, ActorPaths.SERVER_HEARTBEAT))));
          o.writeByteArray(2, message(m -> {
            m.writeByteArray(1, new byte[] {1, 2, 3});
            m.writeInt32(2, 2);
          }));
          o.writeFixed64(5, Long.MAX_VALUE / 2);
        });
        byte[] payload = message(o -> o.writeByteArray(1, message(c -> c.writeByteArray(2, envelope))));
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.getOutputStream().write(concat(frame(associate), frame(payload)));
        socket.getOutputStream().flush();
        open.add(socket);
      }
      for (Socket socket : open) {
        socket.setSoTimeout(20_000);
        socket.getInputStream().readAllBytes(); // the server's ASSOCIATE, then end of stream: it closed the connection
      }
      assertThat(guardRefusals()).as("every closed connection is logged").isGreaterThanOrEqualTo(open.size());
      ActorSystem fresh = ActorSystem.create("127000000001_4244_1", RemotingSettings.of("127.0.0.1", 0).toConfig());
      try {
        assertThat(heartbeat(fresh, "127000000001_4244_1").getSuccess()).isTrue();
      } finally {
        fresh.terminate();
      }
    } finally {
      for (Socket s : open) {
        s.close();
      }
    }
  }
}
