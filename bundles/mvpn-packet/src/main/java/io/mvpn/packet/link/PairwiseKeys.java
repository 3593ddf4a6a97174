package io.mvpn.packet.link;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.Provider;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The pairwise keys one association derives, as IEEE 802.11 derives its PTK: a counter-mode
 * HMAC-SHA256 KDF keyed by the node's master key over a label, the access point's address, the
 * node's identity and both nonces. The first 32 bytes are the key confirmation key (the MIC of
 * messages 2-4); the next 32 the link key handed to layer 3, so a key that protected the handshake
 * never authenticates anything else.
 *
 * <p>The master key may be a token object that never leaves a PKCS#11 device: only a {@link Mac}
 * keyed by it is needed. Holds one Mac: not thread-safe.
 */
public final class PairwiseKeys {

  private static final String HMAC = "HmacSHA256";
  private static final byte[] LABEL =
      "mvpn pairwise key expansion".getBytes(StandardCharsets.US_ASCII);
  private static final int BITS = 512;

  private final Mac confirmation;
  private final byte[] linkKey;

  private PairwiseKeys(byte[] kck, byte[] linkKey) throws GeneralSecurityException {
    this.confirmation = Mac.getInstance(HMAC);
    this.confirmation.init(new SecretKeySpec(kck, HMAC));
    this.linkKey = linkKey;
  }

  /**
   * Derives the keys of one handshake.
   *
   * @param masterKey the node's master key (a software key or a token object)
   * @param provider the provider holding {@code masterKey}, or null for the JVM's default choice
   */
  public static PairwiseKeys derive(
      Key masterKey,
      Provider provider,
      int accessPoint,
      String identity,
      byte[] accessPointNonce,
      byte[] nodeNonce) {
    try {
      Mac kdf = provider == null ? Mac.getInstance(HMAC) : Mac.getInstance(HMAC, provider);
      kdf.init(masterKey);
      byte[] name = identity.getBytes(StandardCharsets.UTF_8);
      ByteBuffer context = ByteBuffer.allocate(4 + name.length + 2 * AssociationFrame.NONCE_LENGTH);
      context.putInt(accessPoint).put(name).put(accessPointNonce).put(nodeNonce);
      byte[] out = new byte[BITS / 8];
      for (int i = 1, done = 0; done < out.length; i++, done += 32) {
        kdf.update(new byte[] {(byte) i, (byte) (i >> 8)}); // 802.11's little-endian counter
        kdf.update(LABEL);
        kdf.update(context.array());
        kdf.update(new byte[] {(byte) BITS, (byte) (BITS >> 8)});
        System.arraycopy(kdf.doFinal(), 0, out, done, 32);
      }
      PairwiseKeys keys =
          new PairwiseKeys(Arrays.copyOfRange(out, 0, 32), Arrays.copyOfRange(out, 32, 64));
      Arrays.fill(out, (byte) 0);
      return keys;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 with the master key failed", e);
    }
  }

  /** The MIC over {@code length} bytes at {@code offset}. */
  byte[] mic(ByteBuf buf, int offset, int length) {
    confirmation.update(buf.nioBuffer(offset, length));
    return confirmation.doFinal();
  }

  /** The key layer 3 may use (a copy). */
  public byte[] linkKey() {
    return linkKey.clone();
  }
}
