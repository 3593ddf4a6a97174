package io.mvpn.sam.kink;

import io.mvpn.sam.kink.KinkFormatException.Reason;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.List;
import org.apache.kerby.kerberos.kerb.KrbException;
import org.apache.kerby.kerberos.kerb.crypto.CheckSumHandler;
import org.apache.kerby.kerberos.kerb.crypto.CheckSumTypeHandler;
import org.apache.kerby.kerberos.kerb.crypto.EncTypeHandler;
import org.apache.kerby.kerberos.kerb.crypto.EncryptionHandler;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;

/**
 * The key that protects a KINK exchange: the session key of the responder's service ticket (or the
 * AP-REQ's subkey). It checksums messages with key usage 40 and seals KINK_ENCRYPT with key usage
 * 39, using the checksum and encryption of the key's own type (RFC 3961; hmac-sha1-96-aes256 and
 * aes256-cts-hmac-sha1-96 for an aes256 key).
 */
public final class KinkKey {

  /** RFC 4430 §8: KINK_ENCRYPT. */
  public static final int USAGE_ENCRYPT = 39;

  /** RFC 4430 §8: the message checksum. */
  public static final int USAGE_CHECKSUM = 40;

  private final EncryptionKey key;
  private final EncTypeHandler cipher;
  private final CheckSumTypeHandler checksum;

  /**
   * The key {@code key} stands for; refused if Kerby implements neither its cipher nor checksum.
   */
  public KinkKey(EncryptionKey key) {
    try {
      this.key = key;
      this.cipher = EncryptionHandler.getEncHandler(key.getKeyType());
      this.checksum = CheckSumHandler.getCheckSumHandler(cipher.checksumType());
    } catch (KrbException e) {
      throw new IllegalArgumentException("no KINK with keys of type " + key.getKeyType(), e);
    }
  }

  /** The Kerberos key itself (its type and octets). */
  public EncryptionKey key() {
    return key;
  }

  /** The keyed checksum of {@code message} (usage 40). */
  public byte[] checksum(byte[] message) {
    try {
      return checksum.checksumWithKey(message, key.getKeyData(), USAGE_CHECKSUM);
    } catch (KrbException e) {
      throw new IllegalStateException("checksum with " + key.getKeyType() + " failed", e);
    }
  }

  /** Whether {@code expected} is the checksum of {@code message}, compared in constant time. */
  public boolean verify(byte[] message, byte[] expected) {
    return MessageDigest.isEqual(checksum(message), expected);
  }

  /**
   * KINK_ENCRYPT around {@code inner}: InnerNextPload, three reserved octets and the inner chain,
   * encrypted (usage 39) as one block whose confounder makes each sealing different.
   */
  public KinkPayload.Octets seal(List<KinkPayload> inner) {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    plain.writeBytes(new byte[KinkCodec.PAYLOAD_HEADER_LENGTH]);
    int first = KinkCodec.writeChain(plain, inner);
    byte[] clear = plain.toByteArray();
    clear[0] = (byte) first;
    try {
      return new KinkPayload.Octets(
          KinkPayloadType.ENCRYPT, cipher.encrypt(clear, key.getKeyData(), USAGE_ENCRYPT));
    } catch (KrbException e) {
      throw new IllegalStateException("KINK_ENCRYPT with " + key.getKeyType() + " failed", e);
    }
  }

  /**
   * The payloads sealed in {@code encrypt}. A ciphertext that does not decrypt under this key (its
   * integrity check fails) is refused like any other bad input.
   */
  public List<KinkPayload> open(KinkPayload.Octets encrypt) throws KinkFormatException {
    if (encrypt.type() != KinkPayloadType.ENCRYPT) {
      throw new IllegalArgumentException("not KINK_ENCRYPT: " + encrypt.type());
    }
    byte[] clear;
    try {
      // Kerby sizes its buffers from the ciphertext: one shorter than confounder and checksum
      // would throw out of decrypt rather than fail its integrity check.
      if (encrypt.value().length < cipher.confounderSize() + cipher.checksumSize()) {
        throw new KinkFormatException(
            Reason.UNDECRYPTABLE, "KINK_ENCRYPT of " + encrypt.value().length + " octets");
      }
      clear = cipher.decrypt(encrypt.value(), key.getKeyData(), USAGE_ENCRYPT);
    } catch (KrbException | RuntimeException e) {
      throw new KinkFormatException(Reason.UNDECRYPTABLE, String.valueOf(e.getMessage()));
    }
    if (clear.length < KinkCodec.PAYLOAD_HEADER_LENGTH) {
      throw new KinkFormatException(Reason.TRUNCATED, "KINK_ENCRYPT of " + clear.length);
    }
    return KinkCodec.readChain(
        clear, KinkCodec.PAYLOAD_HEADER_LENGTH, clear.length, clear[0] & 0xFF, true);
  }
}
