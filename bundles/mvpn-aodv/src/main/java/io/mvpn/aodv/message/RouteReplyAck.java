package io.mvpn.aodv.message;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * A Route Reply Acknowledgment (RFC 3561 §5.4): Type=4 and a reserved byte, sent in answer to a
 * RREP with the A flag. Extensions are allowed after it like after every AODV message.
 */
public record RouteReplyAck(List<AodvExtension> extensions) implements AodvMessage {

  public static final int FIXED_LENGTH = 2;

  /** The plain acknowledgment. */
  public static final RouteReplyAck INSTANCE = new RouteReplyAck(List.of());

  public RouteReplyAck {
    extensions = List.copyOf(extensions);
  }

  /** The acknowledgment that is the buffer's readable bytes; the reader index is not moved. */
  public static RouteReplyAck parse(ByteBuf udpPayload) throws AodvFormatException {
    int s = AodvMessages.start(udpPayload, AodvMessages.RREP_ACK, FIXED_LENGTH, "RREP-ACK");
    if (udpPayload.readableBytes() == FIXED_LENGTH) {
      return INSTANCE;
    }
    return new RouteReplyAck(
        AodvExtension.parseAll(udpPayload, s + FIXED_LENGTH, udpPayload.writerIndex()));
  }

  @Override
  public int type() {
    return AodvMessages.RREP_ACK;
  }

  @Override
  public int encodedLength() {
    return FIXED_LENGTH + AodvExtension.encodedLength(extensions);
  }

  @Override
  public void writeTo(ByteBuf out) {
    out.writeByte(AodvMessages.RREP_ACK);
    out.writeByte(0);
    AodvExtension.writeAll(extensions, out);
  }

  @Override
  public String toString() {
    return extensions.isEmpty() ? "RREP-ACK" : "RREP-ACK " + extensions;
  }
}
