package io.mvpn.sam.manager;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.apache.kerby.kerberos.kerb.KrbException;
import org.apache.kerby.kerberos.kerb.crypto.EncTypeHandler;
import org.apache.kerby.kerberos.kerb.crypto.EncryptionHandler;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;

/**
 * KEYMAT for one direction of an SA keyed by a Kerberos session key (RFC 4430 §7): SKEYID_d is the
 * session key, prf the pseudo-random function of its encryption type (RFC 3961 §3; for AES, RFC
 * 3962), expanded as IKEv1 does (RFC 2409 §5.5): K1 = prf(SKEYID_d, protocol | SPI | Ni_b | Nr_b),
 * Kn = prf(SKEYID_d, Kn-1 | protocol | SPI | Ni_b | Nr_b), KEYMAT = K1 | K2 | ...
 */
public final class KinkKeymat {

  /** ESP's protocol ID in the IPsec DOI (RFC 2407 §4.4.1). */
  public static final int PROTO_IPSEC_ESP = 3;

  private KinkKeymat() {}

  public static byte[] derive(
      EncryptionKey sessionKey, int protocol, int spi, byte[] ni, byte[] nr, int length) {
    byte[] seed =
        ByteBuffer.allocate(1 + 4 + ni.length + nr.length)
            .put((byte) protocol)
            .putInt(spi)
            .put(ni)
            .put(nr)
            .array();
    try {
      EncTypeHandler handler = EncryptionHandler.getEncHandler(sessionKey.getKeyType());
      ByteArrayOutputStream keymat = new ByteArrayOutputStream(length + 32);
      byte[] previous = new byte[0];
      while (keymat.size() < length) {
        byte[] input = new byte[previous.length + seed.length];
        System.arraycopy(previous, 0, input, 0, previous.length);
        System.arraycopy(seed, 0, input, previous.length, seed.length);
        previous = handler.prf(sessionKey.getKeyData(), input);
        keymat.writeBytes(previous);
      }
      byte[] out = new byte[length];
      System.arraycopy(keymat.toByteArray(), 0, out, 0, length);
      return out;
    } catch (KrbException e) {
      throw new IllegalArgumentException("no PRF for " + sessionKey.getKeyType(), e);
    }
  }
}
