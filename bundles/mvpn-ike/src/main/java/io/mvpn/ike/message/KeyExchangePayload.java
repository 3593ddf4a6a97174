package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Key Exchange payload, KE (RFC 7296 §3.4): Diffie-Hellman Group Num (2), RESERVED (2), the public
 * value. For group 19 (ECP-256) the value is x | y, 64 bytes (RFC 5903 §7); for 31 (Curve25519) 32
 * bytes (RFC 8031 §3); for 14 (MODP-2048) 256 bytes, zero-padded on the left.
 *
 * @param dhGroup the group number, as in the D-H transform IDs of {@link Transform}
 * @param data the public value
 */
public record KeyExchangePayload(int dhGroup, Octets data) implements IkePayload {

  public static final int FIXED_LENGTH = 4;

  public KeyExchangePayload {
    IkeHeader.checkShort("DH group", dhGroup);
    Objects.requireNonNull(data, "data");
  }

  public static KeyExchangePayload parse(ByteBuf body) throws IkeFormatException {
    Payloads.need(body, FIXED_LENGTH, "KE");
    return new KeyExchangePayload(
        body.getUnsignedShort(body.readerIndex()), Payloads.bytesFrom(body, FIXED_LENGTH));
  }

  @Override
  public int payloadType() {
    return KE;
  }

  @Override
  public int bodyLength() {
    return FIXED_LENGTH + data.length();
  }

  @Override
  public void writeBody(ByteBuf out) {
    out.writeShort(dhGroup);
    Payloads.reserved(out, 2);
    data.writeTo(out);
  }

  @Override
  public String toString() {
    return "KE group " + dhGroup + " (" + data.length() + " bytes)";
  }
}
