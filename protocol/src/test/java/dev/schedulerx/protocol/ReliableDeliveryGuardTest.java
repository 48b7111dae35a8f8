package dev.schedulerx.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ReliableDeliveryGuardTest {

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

  /** A payload PDU as classic remoting frames it: ack first (when given), then the envelope. */
  private static byte[] payload(Long seq, boolean withAck) throws IOException {
    byte[] envelope = message(o -> {
      o.writeByteArray(1, message(p -> p.writeString(1, "akka.tcp://server@127.0.0.1:1/user/x")));
      o.writeByteArray(2, message(m -> {
        m.writeByteArray(1, new byte[] {8, 1});
        m.writeInt32(2, 2);
      }));
      o.writeByteArray(4, message(p -> p.writeString(1, "akka.tcp://w@127.0.0.1:2/temp/$a")));
      if (seq != null) {
        o.writeFixed64(5, seq);
      }
    });
    byte[] container = message(o -> {
      if (withAck) {
        o.writeByteArray(1, message(a -> a.writeFixed64(1, 7)));
      }
      o.writeByteArray(2, envelope);
    });
    return message(o -> o.writeByteArray(1, container));
  }

  @Test
  void readsTheSequenceNumberOfSystemMessagesOnly() throws IOException {
    assertThat(PduScan.seq(payload(null, true))).isEqualTo(PduScan.NO_SEQ);
    assertThat(PduScan.seq(payload(0L, false))).isZero();
    assertThat(PduScan.seq(payload(41L, true))).isEqualTo(41);
    assertThat(PduScan.seq(payload(-5L, true))).as("unsigned on the wire").isEqualTo(Long.MAX_VALUE);
    assertThat(PduScan.seq(new byte[] {(byte) 0xff, 1, 2})).isEqualTo(PduScan.NO_SEQ);
    assertThat(PduScan.seq(new byte[0])).isEqualTo(PduScan.NO_SEQ);
  }

  @Test
  void readsTheOriginOfAnAssociate() throws IOException {
    byte[] address = message(o -> {
      o.writeString(1, "127000000001_4000_1");
      o.writeString(2, "127.0.0.1");
      o.writeUInt32(3, 4000);
      o.writeString(4, "akka.tcp");
    });
    byte[] associate = message(o -> o.writeByteArray(2, message(c -> {
      c.writeEnum(1, 1);
      c.writeByteArray(2, message(h -> {
        h.writeByteArray(1, address);
        h.writeFixed64(2, 99);
      }));
    })));
    assertThat(PduScan.associateOrigin(associate)).isEqualTo("127000000001_4000_1@127.0.0.1:4000#99");
    assertThat(PduScan.associateOrigin(payload(3L, true))).isNull();
    assertThat(PduScan.seq(associate)).isEqualTo(PduScan.NO_SEQ);
  }

  @Test
  void aStreamAcceptsInOrderResendsAndSmallGapsButNotAJumpAhead() {
    ReliableDeliveryGuard.Stream stream = new ReliableDeliveryGuard.Stream();
    for (long seq = 0; seq < 1000; seq++) {
      assertThat(stream.accept(seq)).isTrue();
    }
    assertThat(stream.accept(500)).as("a resend after a reconnect").isTrue();
    assertThat(stream.frontier()).isEqualTo(999);
    assertThat(stream.accept(999 + ReliableDeliveryGuard.MAX_GAP)).isTrue();
    assertThat(stream.accept(1000 + ReliableDeliveryGuard.MAX_GAP)).isFalse();
    assertThat(stream.accept(Long.MAX_VALUE)).isFalse();
    for (long seq = 1000; seq < 999 + ReliableDeliveryGuard.MAX_GAP; seq++) {
      assertThat(stream.accept(seq)).isTrue();
    }
    assertThat(stream.frontier()).as("the gap filled up to the early arrival").isEqualTo(999 + ReliableDeliveryGuard.MAX_GAP);
  }

  @Test
  void aStreamCannotBeWalkedFarAheadInSteps() {
    ReliableDeliveryGuard.Stream stream = new ReliableDeliveryGuard.Stream();
    long accepted = 0;
    for (long seq = ReliableDeliveryGuard.MAX_GAP - 1; seq < 100_000; seq += ReliableDeliveryGuard.MAX_GAP) {
      if (stream.accept(seq)) {
        accepted++;
      }
    }
    assertThat(accepted).isEqualTo(1);
    assertThat(stream.frontier()).isEqualTo(-1);
  }
}
