package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Extensible Authentication payload, EAP (RFC 7296 §3.16): one EAP message (RFC 3748), kept as
 * bytes; the product authenticates with certificates and does not run EAP.
 *
 * @param message the EAP message: Code, Identifier, Length, Type, data
 */
public record EapPayload(Octets message) implements IkePayload {

  public EapPayload {
    Objects.requireNonNull(message, "message");
  }

  public static EapPayload parse(ByteBuf body) {
    return new EapPayload(Payloads.bytes(body));
  }

  @Override
  public int payloadType() {
    return EAP;
  }

  @Override
  public int bodyLength() {
    return message.length();
  }

  @Override
  public void writeBody(ByteBuf out) {
    message.writeTo(out);
  }

  @Override
  public String toString() {
    return "EAP (" + message.length() + " bytes)";
  }
}
