package io.mvpn.aodv.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

/** Constants of RFC 3561 §5-6 and the dispatcher's entry point: one parser for all four types. */
public final class AodvMessages {

  /** AODV's UDP port (§6). */
  public static final int UDP_PORT = 654;

  public static final int RREQ = 1;
  public static final int RREP = 2;
  public static final int RERR = 3;
  public static final int RREP_ACK = 4;

  private AodvMessages() {}

  /**
   * The message that is the buffer's readable bytes, of the type its first byte names. The reader
   * index is not moved and the buffer is not retained.
   */
  public static AodvMessage parse(ByteBuf udpPayload) throws AodvFormatException {
    if (!udpPayload.isReadable()) {
      throw new AodvFormatException(AodvFormatException.Reason.TRUNCATED, "empty AODV message");
    }
    int type = udpPayload.getUnsignedByte(udpPayload.readerIndex());
    switch (type) {
      case RREQ:
        return RouteRequest.parse(udpPayload);
      case RREP:
        return RouteReply.parse(udpPayload);
      case RERR:
        return RouteError.parse(udpPayload);
      case RREP_ACK:
        return RouteReplyAck.parse(udpPayload);
      default:
        throw new AodvFormatException(
            AodvFormatException.Reason.UNKNOWN_TYPE, "AODV message type " + type);
    }
  }

  /**
   * Checks that the readable bytes hold at least {@code fixedLength} bytes and start with {@code
   * expectedType}; returns the reader index.
   */
  static int start(ByteBuf buf, int expectedType, int fixedLength, String name)
      throws AodvFormatException {
    int start = buf.readerIndex();
    int length = buf.readableBytes();
    if (length >= 1 && buf.getUnsignedByte(start) != expectedType) {
      throw new AodvFormatException(
          AodvFormatException.Reason.WRONG_TYPE,
          "type " + buf.getUnsignedByte(start) + " is not a " + name);
    }
    if (length < fixedLength) {
      throw new AodvFormatException(
          AodvFormatException.Reason.TRUNCATED,
          name + " needs " + fixedLength + " bytes, got " + length);
    }
    return start;
  }

  static int checkUnsignedByte(String field, int value) {
    if (value < 0 || value > 255) {
      throw new IllegalArgumentException(field + " " + value + " does not fit in a byte");
    }
    return value;
  }

  static int checkFlags(String message, int flags, int defined) {
    if ((flags & ~defined) != 0) {
      throw new IllegalArgumentException(
          String.format("%s flags 0x%02x outside 0x%02x", message, flags, defined));
    }
    return flags;
  }

  /**
   * The encoded message without its last {@code tail} bytes: what a signature or authenticator at
   * the end of the last extension covers.
   */
  static byte[] encodedWithout(AodvMessage message, int tail) {
    ByteBuf out = message.encode(UnpooledByteBufAllocator.DEFAULT);
    try {
      byte[] covered = new byte[out.readableBytes() - tail];
      out.readBytes(covered);
      return covered;
    } finally {
      out.release();
    }
  }
}
