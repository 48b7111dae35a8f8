package dev.schedulerx.protocol;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;

/**
 * Reads the two facts {@link ReliableDeliveryGuard} needs out of a classic remoting PDU without decoding it:
 * the reliable-delivery sequence number of a message, and the origin of an ASSOCIATE. A PDU is an
 * {@code AkkaProtocolMessage} (payload = 1, instruction = 2); a payload holds an {@code AckAndEnvelopeContainer}
 * (envelope = 2), whose {@code RemoteEnvelope} carries {@code seq} as field 5 (fixed64), only on system messages.
 * The instruction's handshake (2) holds the origin address (1) and uid (2).
 */
final class PduScan {
  /** Returned when the PDU has no sequence number (every ordinary message) or is not readable. */
  static final long NO_SEQ = -1;

  private PduScan() {}

  /** The reliable-delivery sequence number of the message in {@code pdu}, or {@link #NO_SEQ}. */
  static long seq(byte[] pdu) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(pdu);
      if (!enter(in, 1) || !enter(in, 2)) {
        return NO_SEQ;
      }
      int tag;
      while ((tag = in.readTag()) != 0) {
        if (tag == tag(5, WireFormat.WIRETYPE_FIXED64)) {
          long seq = in.readFixed64();
          return seq < 0 ? Long.MAX_VALUE : seq; // unsigned on the wire: negative means beyond Long.MAX_VALUE
        }
        in.skipField(tag);
      }
      return NO_SEQ;
    } catch (IOException e) {
      return NO_SEQ; // not a well-formed PDU: Pekko's own codec refuses it
    }
  }

  /**
   * The sender's identity in an ASSOCIATE ({@code system@host:port#uid}), or null when {@code pdu} is none. It
   * names a reliable-delivery stream: the same origin reconnecting continues its numbering.
   */
  static String associateOrigin(byte[] pdu) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(pdu);
      if (!enter(in, 2) || !enter(in, 2)) {
        return null;
      }
      byte[] address = null;
      long uid = 0;
      int tag;
      while ((tag = in.readTag()) != 0) {
        if (tag == tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
          address = in.readByteArray();
        } else if (tag == tag(2, WireFormat.WIRETYPE_FIXED64)) {
          uid = in.readFixed64();
        } else {
          in.skipField(tag);
        }
      }
      return address == null ? null : describeAddress(address) + "#" + Long.toUnsignedString(uid);
    } catch (IOException e) {
      return null;
    }
  }

  /** {@code AddressData}: system = 1, hostname = 2, port = 3, protocol = 4. */
  private static String describeAddress(byte[] address) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(address);
    String system = "";
    String host = "";
    int port = 0;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> system = in.readString();
        case 2 -> host = in.readString();
        case 3 -> port = in.readUInt32();
        default -> in.skipField(tag);
      }
    }
    return system + "@" + host + ":" + port;
  }

  /** A field's tag as the wire has it (protobuf's own helper for this is not public). */
  private static int tag(int field, int wireType) {
    return field << 3 | wireType;
  }

  /**
   * Moves {@code in} into the first length-delimited field numbered {@code field} at this level, limiting reading
   * to its bytes; false when there is none.
   */
  private static boolean enter(CodedInputStream in, int field) throws IOException {
    int wanted = tag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == wanted) {
        in.pushLimit(in.readRawVarint32());
        return true;
      }
      in.skipField(tag);
    }
    return false;
  }
}
