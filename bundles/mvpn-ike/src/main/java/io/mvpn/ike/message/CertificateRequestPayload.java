package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Certificate Request payload, CERTREQ (RFC 7296 §3.7): Cert Encoding (1), Certification Authority.
 * For {@link CertificatePayload#X509_SIGNATURE} the authority field is a concatenation of 20-byte
 * SHA-1 hashes of trusted CAs' SubjectPublicKeyInfo; it may be empty.
 *
 * @param encoding the certificate encoding asked for
 * @param authorities the Certification Authority field
 */
public record CertificateRequestPayload(int encoding, Octets authorities) implements IkePayload {

  public static final int FIXED_LENGTH = 1;

  /** Length of one SHA-1 authority hash. */
  public static final int HASH_LENGTH = 20;

  public CertificateRequestPayload {
    IkeHeader.checkByte("cert encoding", encoding);
    Objects.requireNonNull(authorities, "authorities");
  }

  /** An X.509 request for the CAs whose SHA-1 key hashes are given. */
  public static CertificateRequestPayload x509(List<Octets> caKeyHashes) {
    int total = 0;
    for (Octets h : caKeyHashes) {
      if (h.length() != HASH_LENGTH) {
        throw new IllegalArgumentException("CA key hash of " + h.length() + " bytes");
      }
      total += HASH_LENGTH;
    }
    byte[] all = new byte[total];
    int at = 0;
    for (Octets h : caKeyHashes) {
      System.arraycopy(h.toByteArray(), 0, all, at, HASH_LENGTH);
      at += HASH_LENGTH;
    }
    return new CertificateRequestPayload(CertificatePayload.X509_SIGNATURE, Octets.wrap(all));
  }

  public static CertificateRequestPayload parse(ByteBuf body) throws IkeFormatException {
    Payloads.need(body, FIXED_LENGTH, "CERTREQ");
    return new CertificateRequestPayload(
        body.getUnsignedByte(body.readerIndex()), Payloads.bytesFrom(body, FIXED_LENGTH));
  }

  /** The authority field as 20-byte hashes; a trailing partial hash (a peer's error) is dropped. */
  public List<Octets> caKeyHashes() {
    byte[] all = authorities.toByteArray();
    List<Octets> hashes = new ArrayList<>(all.length / HASH_LENGTH);
    for (int at = 0; at + HASH_LENGTH <= all.length; at += HASH_LENGTH) {
      byte[] h = new byte[HASH_LENGTH];
      System.arraycopy(all, at, h, 0, HASH_LENGTH);
      hashes.add(Octets.wrap(h));
    }
    return hashes;
  }

  @Override
  public int payloadType() {
    return CERTREQ;
  }

  @Override
  public int bodyLength() {
    return FIXED_LENGTH + authorities.length();
  }

  @Override
  public void writeBody(ByteBuf out) {
    out.writeByte(encoding);
    authorities.writeTo(out);
  }

  @Override
  public String toString() {
    return "CERTREQ encoding " + encoding + " (" + authorities.length() + " bytes)";
  }
}
