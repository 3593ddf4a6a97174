package io.mvpn.aodv.message;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Hello Authentication extension (seed 002 c40, ours: type {@link AodvExtension#HELLO_AUTH}): a
 * node entering a site proves its identity to the new sink, which cannot check it itself and asks
 * the node's home MSM (c41). Data, in network order:
 *
 * <pre>
 *  SPI (4) | Timestamp (8) | Identity Length (1) | Identity (NAI, UTF-8) | Authenticator (32)
 * </pre>
 *
 * The Authenticator is HMAC-SHA256, keyed by the key the node shares with its home MSM under that
 * SPI, over the message's bytes from its first byte up to the Authenticator: the fixed part, every
 * extension before this one, and this one's type, length, SPI, timestamp and identity. It must be
 * the message's last extension, as RFC 5944's authentication extensions are, so nothing after it is
 * left unprotected. The timestamp only grows for one node (a clock or a counter): a sink or MSM
 * that saw it, or a later one, refuses the hello as a replay.
 */
public record HelloAuthentication(int spi, long timestamp, String identity, byte[] authenticator) {

  public static final int AUTHENTICATOR_LENGTH = 32;

  /** SPI, timestamp, identity length and authenticator: the data without the identity. */
  public static final int FIXED_LENGTH = 4 + 8 + 1 + AUTHENTICATOR_LENGTH;

  public static final int MAX_IDENTITY_LENGTH = AodvExtension.MAX_DATA_LENGTH - FIXED_LENGTH;

  private static final String HMAC = "HmacSHA256";

  public HelloAuthentication {
    Objects.requireNonNull(identity, "identity");
    int n = identity.getBytes(StandardCharsets.UTF_8).length;
    if (n == 0 || n > MAX_IDENTITY_LENGTH) {
      throw new IllegalArgumentException("identity of " + n + " bytes");
    }
    if (authenticator.length != AUTHENTICATOR_LENGTH) {
      throw new IllegalArgumentException("authenticator of " + authenticator.length + " bytes");
    }
    authenticator = authenticator.clone();
  }

  @Override
  public byte[] authenticator() {
    return authenticator.clone();
  }

  /** The extension's fields; {@code parse} of it gives this back. */
  public AodvExtension toExtension() {
    byte[] id = identity.getBytes(StandardCharsets.UTF_8);
    byte[] d = new byte[FIXED_LENGTH + id.length];
    writeHead(d, spi, timestamp, id);
    System.arraycopy(authenticator, 0, d, d.length - AUTHENTICATOR_LENGTH, AUTHENTICATOR_LENGTH);
    return AodvExtension.of(AodvExtension.HELLO_AUTH, d);
  }

  private static void writeHead(byte[] d, int spi, long timestamp, byte[] id) {
    for (int i = 0; i < 4; i++) {
      d[i] = (byte) (spi >>> (24 - 8 * i));
    }
    for (int i = 0; i < 8; i++) {
      d[4 + i] = (byte) (timestamp >>> (56 - 8 * i));
    }
    d[12] = (byte) id.length;
    System.arraycopy(id, 0, d, 13, id.length);
  }

  /** The fields of an extension of type {@link AodvExtension#HELLO_AUTH}. */
  public static HelloAuthentication parse(AodvExtension e) throws AodvFormatException {
    if (e.type() != AodvExtension.HELLO_AUTH) {
      throw new IllegalArgumentException(
          "extension " + e.type() + " is not a hello authentication");
    }
    byte[] d = e.data();
    if (d.length < FIXED_LENGTH + 1 || (d[12] & 0xFF) != d.length - FIXED_LENGTH) {
      throw new AodvFormatException(
          AodvFormatException.Reason.BAD_EXTENSION_LENGTH,
          "hello authentication of "
              + d.length
              + " bytes"
              + (d.length > 12 ? " naming an identity of " + (d[12] & 0xFF) : ""));
    }
    int spi = 0;
    for (int i = 0; i < 4; i++) {
      spi = spi << 8 | (d[i] & 0xFF);
    }
    long timestamp = 0;
    for (int i = 0; i < 8; i++) {
      timestamp = timestamp << 8 | (d[4 + i] & 0xFF);
    }
    String identity;
    try {
      identity =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(java.nio.ByteBuffer.wrap(d, 13, d.length - FIXED_LENGTH))
              .toString();
    } catch (java.nio.charset.CharacterCodingException bad) {
      throw new AodvFormatException(
          AodvFormatException.Reason.BAD_EXTENSION_VALUE, "hello authentication identity");
    }
    return new HelloAuthentication(
        spi, timestamp, identity, Arrays.copyOfRange(d, d.length - AUTHENTICATOR_LENGTH, d.length));
  }

  /** The message's authentication, which must be its last extension; null when it has none. */
  public static HelloAuthentication of(AodvMessage message) throws AodvFormatException {
    List<AodvExtension> ext = message.extensions();
    AodvExtension found = message.extension(AodvExtension.HELLO_AUTH);
    if (found == null) {
      return null;
    }
    if (ext.get(ext.size() - 1) != found) {
      throw new AodvFormatException(
          AodvFormatException.Reason.BAD_EXTENSION_VALUE,
          "hello authentication is not the last extension");
    }
    return parse(found);
  }

  /**
   * What the Authenticator covers: the encoded message up to it. The MSM gets exactly these bytes
   * (as CHAP-Challenge) and can read SPI, timestamp and identity from their end.
   */
  public static byte[] signedBytes(AodvMessage message) {
    return AodvMessages.encodedWithout(message, AUTHENTICATOR_LENGTH);
  }

  /**
   * {@code hello} with a Hello Authentication extension appended, signed with {@code key}: what a
   * node sends a sink it enters (c40).
   */
  public static RouteReply sign(
      RouteReply hello, String identity, int spi, long timestamp, byte[] key) {
    HelloAuthentication blank =
        new HelloAuthentication(spi, timestamp, identity, new byte[AUTHENTICATOR_LENGTH]);
    List<AodvExtension> ext = new ArrayList<>(hello.extensions());
    ext.add(blank.toExtension());
    RouteReply unsigned = hello.withExtensions(ext);
    byte[] mac = hmac(key, signedBytes(unsigned));
    ext.set(ext.size() - 1, new HelloAuthentication(spi, timestamp, identity, mac).toExtension());
    return hello.withExtensions(ext);
  }

  /** Whether {@code message}'s authenticator is the HMAC of its signed bytes under {@code key}. */
  public static boolean verify(AodvMessage message, byte[] key) throws AodvFormatException {
    HelloAuthentication auth = of(message);
    return auth != null
        && MessageDigest.isEqual(hmac(key, signedBytes(message)), auth.authenticator);
  }

  /** HMAC-SHA256 of {@code data} under {@code key}. */
  public static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HelloAuthentication other
        && spi == other.spi
        && timestamp == other.timestamp
        && identity.equals(other.identity)
        && Arrays.equals(authenticator, other.authenticator);
  }

  @Override
  public int hashCode() {
    return Objects.hash(spi, timestamp, identity) * 31 + Arrays.hashCode(authenticator);
  }

  @Override
  public String toString() {
    return "hello-auth "
        + identity
        + " spi "
        + Integer.toUnsignedString(spi)
        + " ts "
        + Long.toUnsignedString(timestamp)
        + " mac "
        + HexFormat.of().formatHex(authenticator, 0, 4)
        + "..";
  }
}
