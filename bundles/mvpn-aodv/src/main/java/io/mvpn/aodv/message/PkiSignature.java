package io.mvpn.aodv.message;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The PKI Signature extension (seed 002 c51-54, ours: type {@link AodvExtension#PKI_SIGNATURE}):
 * the sender proves it holds the private key of the certificate it sent. Data, in network order:
 *
 * <pre>
 *  Timestamp (8) | Nonce (8) | Signature (1 to 239)
 * </pre>
 *
 * The Signature covers the message's bytes from its first byte up to the Signature: the fixed part,
 * every extension before this one (the certificate's parts included) and this one's type, length,
 * timestamp and nonce; so it is the message's last extension. Its algorithm follows the
 * certificate's key, in a fixed-length form so the length is known before signing: ECDSA with
 * SHA-256 (P-256) or SHA-384 (P-384) as r|s (IEEE P1363), or Ed25519. On a node's hello the
 * timestamp is its clock in milliseconds and the nonce random; on the sink's answer the nonce is
 * the hello's, so the node knows the answer is fresh.
 */
public record PkiSignature(long timestamp, long nonce, byte[] signature) {

  public static final int FIXED_LENGTH = 16;

  public static final int MAX_SIGNATURE_LENGTH = AodvExtension.MAX_DATA_LENGTH - FIXED_LENGTH;

  public PkiSignature {
    Objects.requireNonNull(signature, "signature");
    if (signature.length == 0 || signature.length > MAX_SIGNATURE_LENGTH) {
      throw new IllegalArgumentException("signature of " + signature.length + " bytes");
    }
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  public AodvExtension toExtension() {
    byte[] d = new byte[FIXED_LENGTH + signature.length];
    for (int i = 0; i < 8; i++) {
      d[i] = (byte) (timestamp >>> (56 - 8 * i));
      d[8 + i] = (byte) (nonce >>> (56 - 8 * i));
    }
    System.arraycopy(signature, 0, d, FIXED_LENGTH, signature.length);
    return AodvExtension.of(AodvExtension.PKI_SIGNATURE, d);
  }

  /** The fields of an extension of type {@link AodvExtension#PKI_SIGNATURE}. */
  public static PkiSignature parse(AodvExtension e) throws AodvFormatException {
    if (e.type() != AodvExtension.PKI_SIGNATURE) {
      throw new IllegalArgumentException("extension " + e.type() + " is not a PKI signature");
    }
    byte[] d = e.data();
    if (d.length <= FIXED_LENGTH) {
      throw new AodvFormatException(
          AodvFormatException.Reason.BAD_EXTENSION_LENGTH,
          "PKI signature of " + d.length + " bytes");
    }
    long timestamp = 0;
    long nonce = 0;
    for (int i = 0; i < 8; i++) {
      timestamp = timestamp << 8 | (d[i] & 0xFF);
      nonce = nonce << 8 | (d[8 + i] & 0xFF);
    }
    return new PkiSignature(timestamp, nonce, Arrays.copyOfRange(d, FIXED_LENGTH, d.length));
  }

  /** The message's signature, which must be its last extension; null when it has none. */
  public static PkiSignature of(AodvMessage message) throws AodvFormatException {
    List<AodvExtension> ext = message.extensions();
    AodvExtension found = message.extension(AodvExtension.PKI_SIGNATURE);
    if (found == null) {
      return null;
    }
    if (ext.get(ext.size() - 1) != found) {
      throw new AodvFormatException(
          AodvFormatException.Reason.BAD_EXTENSION_VALUE,
          "PKI signature is not the last extension");
    }
    return parse(found);
  }

  /** What the Signature covers: the encoded message up to it. */
  public static byte[] signedBytes(RouteReply message) throws AodvFormatException {
    PkiSignature s = of(message);
    if (s == null) {
      throw new IllegalArgumentException("the message carries no PKI signature");
    }
    return AodvMessages.encodedWithout(message, s.signature.length);
  }

  /**
   * {@code reply} with {@code extra} extensions and this signature's place appended (a signature of
   * {@code signatureLength} zero bytes): what {@link #signedBytes} of it gives is what to sign.
   */
  public static RouteReply unsigned(
      RouteReply reply, List<AodvExtension> extra, long timestamp, long nonce, int length) {
    List<AodvExtension> ext = new ArrayList<>(reply.extensions());
    ext.addAll(extra);
    ext.add(new PkiSignature(timestamp, nonce, new byte[length]).toExtension());
    return reply.withExtensions(ext);
  }

  /** {@code unsigned} (from {@link #unsigned}) with its signature's bytes put in. */
  public static RouteReply signed(RouteReply unsigned, byte[] signature)
      throws AodvFormatException {
    PkiSignature blank = of(unsigned);
    if (blank == null || blank.signature.length != signature.length) {
      throw new IllegalArgumentException("no signature place of " + signature.length + " bytes");
    }
    List<AodvExtension> ext = new ArrayList<>(unsigned.extensions());
    ext.set(
        ext.size() - 1, new PkiSignature(blank.timestamp, blank.nonce, signature).toExtension());
    return unsigned.withExtensions(ext);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PkiSignature other
        && timestamp == other.timestamp
        && nonce == other.nonce
        && Arrays.equals(signature, other.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(timestamp, nonce) * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "pki-sig ts "
        + Long.toUnsignedString(timestamp)
        + " nonce "
        + Long.toHexString(nonce)
        + " sig "
        + HexFormat.of().formatHex(signature, 0, Math.min(4, signature.length))
        + "..";
  }
}
