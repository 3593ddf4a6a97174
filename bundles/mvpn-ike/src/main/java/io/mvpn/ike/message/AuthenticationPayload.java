package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Authentication payload, AUTH (RFC 7296 §3.8): Auth Method (1), RESERVED (3), authentication data.
 * With {@link #DIGITAL_SIGNATURE} the data starts with a one-byte length, the ASN.1
 * AlgorithmIdentifier and then the signature (RFC 7427 §3).
 *
 * @param method {@link #RSA_DIGITAL_SIGNATURE} and the others
 * @param data the signature or MAC
 */
public record AuthenticationPayload(int method, Octets data) implements IkePayload {

  public static final int FIXED_LENGTH = 4;

  public static final int RSA_DIGITAL_SIGNATURE = 1;
  public static final int SHARED_KEY_MIC = 2;
  public static final int DSS_DIGITAL_SIGNATURE = 3;

  /** RFC 7427 §3; needs SIGNATURE_HASH_ALGORITHMS in both directions. */
  public static final int DIGITAL_SIGNATURE = 14;

  public AuthenticationPayload {
    IkeHeader.checkByte("auth method", method);
    Objects.requireNonNull(data, "data");
  }

  public static AuthenticationPayload parse(ByteBuf body) throws IkeFormatException {
    Payloads.need(body, FIXED_LENGTH, "AUTH");
    return new AuthenticationPayload(
        body.getUnsignedByte(body.readerIndex()), Payloads.bytesFrom(body, FIXED_LENGTH));
  }

  @Override
  public int payloadType() {
    return AUTH;
  }

  @Override
  public int bodyLength() {
    return FIXED_LENGTH + data.length();
  }

  @Override
  public void writeBody(ByteBuf out) {
    out.writeByte(method);
    Payloads.reserved(out, 3);
    data.writeTo(out);
  }

  @Override
  public String toString() {
    return "AUTH method " + method + " (" + data.length() + " bytes)";
  }
}
