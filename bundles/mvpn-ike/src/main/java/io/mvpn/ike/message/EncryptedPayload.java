package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Encrypted and Authenticated payload, SK (RFC 7296 §3.14): always the last payload; its Next
 * Payload names the first payload inside it. The body (IV, encrypted payloads with Padding and Pad
 * Length, Integrity Checksum) is kept as received; {@link IkeMessage#openSk(SkCipher)} decrypts it
 * and {@link IkeMessage#encodeWithSk} makes one.
 *
 * @param innerNextPayload the type of the first inner payload, or {@link IkePayload#NONE} for an
 *     empty one (an INFORMATIONAL liveness check)
 * @param body IV, ciphertext and ICV
 */
public record EncryptedPayload(int innerNextPayload, Octets body) implements IkePayload {

  public EncryptedPayload {
    IkeHeader.checkByte("inner next payload", innerNextPayload);
    Objects.requireNonNull(body, "body");
  }

  public static EncryptedPayload parse(int innerNextPayload, ByteBuf body) {
    return new EncryptedPayload(innerNextPayload, Payloads.bytes(body));
  }

  @Override
  public int payloadType() {
    return SK;
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
    return "SK{" + IkePayload.typeName(innerNextPayload) + ", " + body.length() + " bytes}";
  }
}
