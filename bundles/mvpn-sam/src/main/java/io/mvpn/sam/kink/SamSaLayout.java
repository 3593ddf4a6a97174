package io.mvpn.sam.kink;

import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.ipsec.EspSaKeys.Algorithm;
import io.mvpn.sam.kink.KinkFormatException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The value of mvpn's KINK_SAM_SA and KINK_SAM_PEER payloads (docs/protocols.md, "KINK"). The suite
 * is named by IKEv2's transform IDs (RFC 7296 §3.3.2), so the registry operators already read says
 * what it is; each direction's keys are its KEYMAT slice as RFC 7296 §2.17 lays it out.
 *
 * <pre>
 *   0 ENCR transform ID (2)        | INTEG transform ID (2; 0 for AEAD)
 *   4 Key Length, bits (2)         | Flags (1; 0x01 ESN) | RESERVED (1)
 *   8 Lifetime, seconds left (4)
 *  12 Outbound SPI (4)               the SPI the holder sends on
 *  16 Inbound SPI (4)                the SPI the holder receives on
 *  20 Peer Length (2)              | Peer (UTF-8)
 *     Outbound KEYMAT | Inbound KEYMAT, each as long as the suite and key length make it
 * </pre>
 */
final class SamSaLayout {

  static final int ENCR_AES_CBC = 12;
  static final int ENCR_AES_GCM_16 = 20;
  static final int ENCR_CHACHA20_POLY1305 = 28;
  static final int AUTH_HMAC_SHA2_256_128 = 12;
  static final int AUTH_HMAC_SHA2_384_192 = 13;
  static final int AUTH_HMAC_SHA2_512_256 = 14;
  private static final int FLAG_ESN = 0x01;
  private static final int FIXED = 22;

  private SamSaLayout() {}

  static byte[] encode(KinkPayload.SamSa sa) {
    byte[] peer = sa.peer().getBytes(StandardCharsets.UTF_8);
    byte[] out = sa.outbound().keymat();
    byte[] in = sa.inbound().keymat();
    int[] ids = transformIds(sa.outbound().algorithm());
    ByteBuffer b = ByteBuffer.allocate(FIXED + peer.length + out.length + in.length);
    b.putShort((short) ids[0]).putShort((short) ids[1]);
    b.putShort((short) (sa.outbound().encryptionKey().length * 8));
    b.put((byte) (sa.outbound().extendedSequenceNumbers() ? FLAG_ESN : 0)).put((byte) 0);
    b.putInt((int) sa.lifetimeSeconds());
    b.putInt(sa.outbound().spi()).putInt(sa.inbound().spi());
    b.putShort((short) peer.length).put(peer).put(out).put(in);
    Arrays.fill(out, (byte) 0);
    Arrays.fill(in, (byte) 0);
    return b.array();
  }

  static KinkPayload.SamSa decode(byte[] value) throws KinkFormatException {
    if (value.length < FIXED) {
      throw bad("KINK_SAM_SA of " + value.length + " octets");
    }
    ByteBuffer b = ByteBuffer.wrap(value);
    Algorithm algorithm = algorithm(b.getShort() & 0xFFFF, b.getShort() & 0xFFFF);
    int keyBits = b.getShort() & 0xFFFF;
    boolean esn = (b.get() & FLAG_ESN) != 0;
    b.get();
    long lifetime = b.getInt() & 0xFFFFFFFFL;
    int outSpi = b.getInt();
    int inSpi = b.getInt();
    int peerLength = b.getShort() & 0xFFFF;
    int keymat = algorithm.keymatLength(keyBits / 8);
    if (keyBits % 8 != 0 || value.length != FIXED + peerLength + 2 * keymat) {
      throw bad(value.length + " octets for a " + keyBits + "-bit key and a peer of " + peerLength);
    }
    String peer = utf8(Arrays.copyOfRange(value, FIXED, FIXED + peerLength));
    int at = FIXED + peerLength;
    try {
      return new KinkPayload.SamSa(
          peer,
          EspSaKeys.fromKeymat(outSpi, algorithm, Arrays.copyOfRange(value, at, at + keymat), esn),
          EspSaKeys.fromKeymat(
              inSpi, algorithm, Arrays.copyOfRange(value, at + keymat, at + 2 * keymat), esn),
          lifetime);
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
  }

  static KinkPayload.SamPeer decodePeer(byte[] value) throws KinkFormatException {
    try {
      return new KinkPayload.SamPeer(utf8(value));
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
  }

  private static int[] transformIds(Algorithm algorithm) {
    return switch (algorithm) {
      case AES_GCM_16 -> new int[] {ENCR_AES_GCM_16, 0};
      case CHACHA20_POLY1305 -> new int[] {ENCR_CHACHA20_POLY1305, 0};
      case AES_CBC_HMAC_SHA2_256_128 -> new int[] {ENCR_AES_CBC, AUTH_HMAC_SHA2_256_128};
      case AES_CBC_HMAC_SHA2_384_192 -> new int[] {ENCR_AES_CBC, AUTH_HMAC_SHA2_384_192};
      case AES_CBC_HMAC_SHA2_512_256 -> new int[] {ENCR_AES_CBC, AUTH_HMAC_SHA2_512_256};
    };
  }

  private static Algorithm algorithm(int encr, int integ) throws KinkFormatException {
    for (Algorithm a : Algorithm.values()) {
      int[] ids = transformIds(a);
      if (ids[0] == encr && ids[1] == integ) {
        return a;
      }
    }
    throw bad("no ESP suite of ENCR " + encr + " with INTEG " + integ);
  }

  private static String utf8(byte[] octets) throws KinkFormatException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(octets))
          .toString();
    } catch (CharacterCodingException e) {
      throw bad("a name that is not UTF-8");
    }
  }

  private static KinkFormatException bad(String detail) {
    return new KinkFormatException(Reason.BAD_SAM_PAYLOAD, detail);
  }
}
