package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Certificate payload, CERT (RFC 7296 §3.6): Cert Encoding (1), certificate data. The first CERT of
 * a message holds the key that signed its AUTH.
 *
 * @param encoding {@link #X509_SIGNATURE} and the others
 * @param data for {@link #X509_SIGNATURE}, one DER-encoded certificate
 */
public record CertificatePayload(int encoding, Octets data) implements IkePayload {

  public static final int FIXED_LENGTH = 1;

  public static final int PKCS7_WRAPPED_X509 = 1;
  public static final int X509_SIGNATURE = 4;
  public static final int CRL = 7;
  public static final int RAW_RSA_KEY = 11;
  public static final int HASH_AND_URL_X509 = 12;
  public static final int HASH_AND_URL_X509_BUNDLE = 13;

  public CertificatePayload {
    IkeHeader.checkByte("cert encoding", encoding);
    Objects.requireNonNull(data, "data");
  }

  public static CertificatePayload parse(ByteBuf body) throws IkeFormatException {
    Payloads.need(body, FIXED_LENGTH, "CERT");
    return new CertificatePayload(
        body.getUnsignedByte(body.readerIndex()), Payloads.bytesFrom(body, FIXED_LENGTH));
  }

  @Override
  public int payloadType() {
    return CERT;
  }

  @Override
  public int bodyLength() {
    return FIXED_LENGTH + data.length();
  }

  @Override
  public void writeBody(ByteBuf out) {
    out.writeByte(encoding);
    data.writeTo(out);
  }

  @Override
  public String toString() {
    return "CERT encoding " + encoding + " (" + data.length() + " bytes)";
  }
}
