package io.mvpn.sam.kink;

import io.mvpn.sam.kink.KinkFormatException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * KINK's wire format (RFC 4430 §4): a 16-octet header, a chain of payloads each starting on a
 * four-octet boundary (padding not counted in its Payload Length), then the checksum.
 *
 * <pre>
 *  Type | MjVer,RESRVD | Length(2) | DOI(4) | XID(4) | NextPayload | A,RESERVED2 | CksumLen(2)
 * </pre>
 *
 * The checksum is a Kerberos keyed checksum (key usage 40) over the whole message padded to four
 * octets, computed with CksumLen zero and Length not counting the checksum; both fields are then
 * set to their final values.
 */
public final class KinkCodec {

  /** KINK's UDP port (RFC 4430 §9). */
  public static final int PORT = 910;

  static final int HEADER_LENGTH = 16;
  static final int PAYLOAD_HEADER_LENGTH = 4;
  static final int MAJOR_VERSION = 1;
  private static final int ACK_REQUESTED = 0x80;
  private static final int MAX_LENGTH = 0xFFFF;

  private KinkCodec() {}

  /** The message without a checksum (CksumLen 0): only for replies before any shared key. */
  public static byte[] encode(KinkMessage message) {
    return encode(message, null);
  }

  /** The message, checksummed under {@code key} (the ticket's session key) unless it is null. */
  public static byte[] encode(KinkMessage message, KinkKey key) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.writeBytes(new byte[HEADER_LENGTH]);
    int first = writeChain(out, message.payloads());
    if (key != null) {
      pad(out);
    }
    byte[] unsigned = out.toByteArray();
    ByteBuffer header = ByteBuffer.wrap(unsigned);
    header.put((byte) message.type().code());
    header.put((byte) (MAJOR_VERSION << 4));
    header.putShort((short) unsigned.length);
    header.putInt(KinkMessage.DOI_IPSEC);
    header.putInt((int) message.xid());
    header.put((byte) first);
    header.put((byte) (message.ackRequested() ? ACK_REQUESTED : 0));
    header.putShort((short) 0);
    if (key == null) {
      checkLength(unsigned.length);
      return unsigned;
    }
    byte[] checksum = key.checksum(unsigned);
    byte[] signed = Arrays.copyOf(unsigned, unsigned.length + checksum.length);
    System.arraycopy(checksum, 0, signed, unsigned.length, checksum.length);
    checkLength(signed.length);
    ByteBuffer.wrap(signed)
        .putShort(2, (short) signed.length)
        .putShort(14, (short) checksum.length);
    return signed;
  }

  /**
   * Reads a datagram's KINK message. Its checksum is not checked here: that needs the session key
   * from the AP-REQ inside, so the caller verifies with {@link #verify} once it has the key.
   */
  public static KinkMessage decode(byte[] datagram) throws KinkFormatException {
    if (datagram.length < HEADER_LENGTH) {
      throw new KinkFormatException(Reason.TRUNCATED, datagram.length + " octets, no header");
    }
    ByteBuffer in = ByteBuffer.wrap(datagram);
    int typeCode = in.get(0) & 0xFF;
    int version = (in.get(1) & 0xFF) >>> 4;
    int length = in.getShort(2) & 0xFFFF;
    long doi = in.getInt(4) & 0xFFFFFFFFL;
    long xid = in.getInt(8) & 0xFFFFFFFFL;
    int next = in.get(12) & 0xFF;
    boolean ack = (in.get(13) & ACK_REQUESTED) != 0;
    int checksumLength = in.getShort(14) & 0xFFFF;
    if (length < HEADER_LENGTH || length > datagram.length) {
      throw new KinkFormatException(
          Reason.TRUNCATED, "Length " + length + " in a datagram of " + datagram.length);
    }
    if (checksumLength > length - HEADER_LENGTH) {
      throw new KinkFormatException(
          Reason.BAD_LENGTH, "CksumLen " + checksumLength + " beyond Length " + length);
    }
    if (version != MAJOR_VERSION) {
      throw new KinkFormatException(Reason.INVALID_MAJOR_VERSION, "major version " + version);
    }
    if (doi != KinkMessage.DOI_IPSEC) {
      throw new KinkFormatException(Reason.INVALID_DOI, "DOI " + doi);
    }
    KinkMessageType type = KinkMessageType.of(typeCode);
    if (type == null) {
      throw new KinkFormatException(Reason.UNKNOWN_MESSAGE_TYPE, "Type " + typeCode);
    }
    List<KinkPayload> payloads =
        readChain(datagram, HEADER_LENGTH, length - checksumLength, next, false);
    return new KinkMessage(type, xid, ack, payloads, checksumLength);
  }

  /**
   * Whether {@code datagram} (already {@link #decode decoded}) carries a valid checksum under
   * {@code key}. A message without one is not valid.
   */
  public static boolean verify(byte[] datagram, KinkKey key) {
    if (datagram.length < 16) {
      return false; // not even a header
    }
    ByteBuffer in = ByteBuffer.wrap(datagram);
    int length = in.getShort(2) & 0xFFFF;
    int checksumLength = in.getShort(14) & 0xFFFF;
    if (checksumLength == 0 || length > datagram.length || length - checksumLength < 16) {
      return false;
    }
    byte[] unsigned = Arrays.copyOf(datagram, length - checksumLength);
    ByteBuffer.wrap(unsigned).putShort(2, (short) unsigned.length).putShort(14, (short) 0);
    byte[] checksum = Arrays.copyOfRange(datagram, length - checksumLength, length);
    return key.verify(unsigned, checksum);
  }

  /**
   * Writes payloads as a chain (each header's Next Payload naming the one after it) and returns the
   * type of the first, for the field that points at it.
   */
  static int writeChain(ByteArrayOutputStream out, List<KinkPayload> payloads) {
    for (int i = 0; i < payloads.size(); i++) {
      pad(out);
      KinkPayload p = payloads.get(i);
      byte[] value = value(p);
      int length = PAYLOAD_HEADER_LENGTH + value.length;
      checkLength(length);
      int next = i + 1 < payloads.size() ? payloads.get(i + 1).type().code() : 0;
      out.write(next);
      out.write(0);
      out.write(length >>> 8);
      out.write(length);
      out.writeBytes(value);
    }
    return payloads.isEmpty() ? KinkPayloadType.DONE.code() : payloads.get(0).type().code();
  }

  /**
   * Reads the chain that starts at {@code offset} with type {@code next} and must end by {@code
   * end}. Inside KINK_ENCRYPT ({@code sealed}) trailing octets may be cipher padding.
   */
  static List<KinkPayload> readChain(byte[] data, int offset, int end, int next, boolean sealed)
      throws KinkFormatException {
    List<KinkPayload> payloads = new ArrayList<>();
    int at = offset;
    while (next != KinkPayloadType.DONE.code()) {
      KinkPayloadType type = KinkPayloadType.of(next);
      if (type == null) {
        throw new KinkFormatException(Reason.UNKNOWN_PAYLOAD, "Next Payload " + next);
      }
      if (!payloads.isEmpty()
          && payloads.get(payloads.size() - 1) instanceof KinkPayload.Octets o
          && o.type() == KinkPayloadType.ENCRYPT) {
        throw new KinkFormatException(Reason.PAYLOAD_AFTER_ENCRYPT, type + " after KINK_ENCRYPT");
      }
      if (end - at < PAYLOAD_HEADER_LENGTH) {
        throw new KinkFormatException(Reason.TRUNCATED, type + " header at " + at);
      }
      int length = ((data[at + 2] & 0xFF) << 8) | (data[at + 3] & 0xFF);
      if (length < PAYLOAD_HEADER_LENGTH || length > end - at) {
        throw new KinkFormatException(
            Reason.TRUNCATED, type + " of length " + length + " with " + (end - at) + " left");
      }
      byte[] value = Arrays.copyOfRange(data, at + PAYLOAD_HEADER_LENGTH, at + length);
      payloads.add(payload(type, value, sealed));
      next = data[at] & 0xFF;
      at = Math.min(end, at + length + (-length & 3));
    }
    return payloads;
  }

  private static KinkPayload payload(KinkPayloadType type, byte[] value, boolean sealed)
      throws KinkFormatException {
    ByteBuffer v = ByteBuffer.wrap(value);
    return switch (type) {
      case AP_REQ, AP_REP -> {
        need(type, value, 4);
        yield new KinkPayload.Ap(
            type, v.getInt() & 0xFFFFFFFFL, Arrays.copyOfRange(value, 4, value.length));
      }
      case KRB_ERROR, TGT_REP, ENCRYPT -> {
        if (sealed && type == KinkPayloadType.ENCRYPT) {
          throw new KinkFormatException(Reason.BAD_LENGTH, "KINK_ENCRYPT inside KINK_ENCRYPT");
        }
        yield new KinkPayload.Octets(type, value);
      }
      case TGT_REQ -> KinkPayload.tgtReq(new String(value, StandardCharsets.UTF_8));
      case ISAKMP -> {
        need(type, value, 4);
        if ((value[1] & 0xFF) != KinkPayload.Isakmp.QM_VERSION) {
          throw new KinkFormatException(
              Reason.BAD_QUICK_MODE_VERSION, String.format("QM version 0x%02x", value[1]));
        }
        yield new KinkPayload.Isakmp(value[0] & 0xFF, Arrays.copyOfRange(value, 4, value.length));
      }
      case ERROR -> {
        if (value.length != 4) {
          throw new KinkFormatException(Reason.BAD_LENGTH, "KINK_ERROR of " + value.length);
        }
        yield new KinkPayload.Error(v.getInt() & 0xFFFFFFFFL);
      }
      case SAM_PEER, SAM_SA -> {
        if (!sealed) {
          throw new KinkFormatException(
              Reason.SAM_PAYLOAD_IN_CLEAR, type + " outside KINK_ENCRYPT");
        }
        yield type == KinkPayloadType.SAM_PEER
            ? SamSaLayout.decodePeer(value)
            : SamSaLayout.decode(value);
      }
      case DONE -> throw new KinkFormatException(Reason.UNKNOWN_PAYLOAD, "KINK_DONE as payload");
    };
  }

  private static byte[] value(KinkPayload p) {
    if (p instanceof KinkPayload.Ap a) {
      return ByteBuffer.allocate(4 + a.message().length)
          .putInt((int) a.epoch())
          .put(a.message())
          .array();
    }
    if (p instanceof KinkPayload.Isakmp i) {
      return ByteBuffer.allocate(4 + i.quickMode().length)
          .put((byte) i.innerNextPayload())
          .put((byte) KinkPayload.Isakmp.QM_VERSION)
          .putShort((short) 0)
          .put(i.quickMode())
          .array();
    }
    if (p instanceof KinkPayload.Error e) {
      return ByteBuffer.allocate(4).putInt((int) e.code()).array();
    }
    if (p instanceof KinkPayload.SamPeer peer) {
      return peer.node().getBytes(StandardCharsets.UTF_8);
    }
    if (p instanceof KinkPayload.SamSa sa) {
      return SamSaLayout.encode(sa);
    }
    return ((KinkPayload.Octets) p).value();
  }

  private static void need(KinkPayloadType type, byte[] value, int octets)
      throws KinkFormatException {
    if (value.length < octets) {
      throw new KinkFormatException(Reason.BAD_LENGTH, type + " of " + value.length + " octets");
    }
  }

  private static void pad(ByteArrayOutputStream out) {
    while (out.size() % 4 != 0) {
      out.write(0);
    }
  }

  private static void checkLength(int length) {
    if (length > MAX_LENGTH) {
      throw new IllegalArgumentException("a KINK message or payload of " + length + " octets");
    }
  }
}
