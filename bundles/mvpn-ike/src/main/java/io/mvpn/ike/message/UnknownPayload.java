package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * A payload of a type this codec does not know (RFC 7296 §2.5, §3.2). Received without the Critical
 * bit it is skipped by the engine and kept here in order, so the message re-encodes as it came;
 * received with it, parsing fails with {@link
 * IkeFormatException.Reason#UNSUPPORTED_CRITICAL_PAYLOAD} instead and no UnknownPayload is made.
 *
 * @param payloadType the type number (not one of the known types)
 * @param critical the Critical bit to send
 * @param body the bytes after the generic header
 */
public record UnknownPayload(int payloadType, boolean critical, Octets body) implements IkePayload {

  public UnknownPayload {
    IkeHeader.checkByte("payload type", payloadType);
    if (payloadType == NONE) {
      throw new IllegalArgumentException("payload type 0");
    }
    Objects.requireNonNull(body, "body");
  }

  public static UnknownPayload parse(int payloadType, boolean critical, ByteBuf body) {
    return new UnknownPayload(payloadType, critical, Payloads.bytes(body));
  }

  @Override
  public int bodyLength() {
    return body.length();
  }

  @Override
  public void writeBody(ByteBuf out) {
    body.writeTo(out);
  }

  @Override
  public String toString() {
    return IkePayload.typeName(payloadType) + (critical ? " critical " : " ") + body;
  }
}
