package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Nonce payload, Ni or Nr (RFC 7296 §3.9): 16 to 256 random bytes, at least half the PRF's key size
 * (§2.10). Both bounds are enforced in both directions.
 *
 * @param data the nonce
 */
public record NoncePayload(Octets data) implements IkePayload {

  public static final int MIN_LENGTH = 16;
  public static final int MAX_LENGTH = 256;

  public NoncePayload {
    Objects.requireNonNull(data, "data");
    if (data.length() < MIN_LENGTH || data.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("nonce of " + data.length() + " bytes");
    }
  }

  public static NoncePayload parse(ByteBuf body) throws IkeFormatException {
    int n = body.readableBytes();
    if (n < MIN_LENGTH || n > MAX_LENGTH) {
      throw IkeFormatException.syntax("nonce of " + n + " bytes, not 16 to 256");
    }
    return new NoncePayload(Payloads.bytes(body));
  }

  @Override
  public int payloadType() {
    return NONCE;
  }

  @Override
  public int bodyLength() {
    return data.length();
  }

  @Override
  public void writeBody(ByteBuf out) {
    data.writeTo(out);
  }

  @Override
  public String toString() {
    return "Nonce " + data;
  }
}
