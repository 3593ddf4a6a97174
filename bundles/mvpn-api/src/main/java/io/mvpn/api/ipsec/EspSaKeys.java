package io.mvpn.api.ipsec;

import io.mvpn.api.ipsec.InvalidEspKeysException.Part;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The key material of one ESP SA as a key exchange derived it (RFC 7296 §2.17): what the data plane
 * that runs the SA needs to build it, and nothing of the SA's state. The arrays are copied in and
 * out, so the holder of a value cannot change the keys behind another's back.
 *
 * @param spi the SPI the receiving end chose
 * @param salt the AEAD's 4-byte nonce salt; empty for AES-CBC
 * @param integrityKey the HMAC key for AES-CBC; empty for a combined-mode (AEAD) algorithm
 * @param extendedSequenceNumbers 64-bit sequence numbers (RFC 4303 §2.2.1)
 * @throws InvalidEspKeysException when a key or the salt has a length the algorithm does not take
 */
public record EspSaKeys(
    int spi,
    Algorithm algorithm,
    byte[] encryptionKey,
    byte[] salt,
    byte[] integrityKey,
    boolean extendedSequenceNumbers) {

  /**
   * The transforms a gateway can run: the ESP suites IKE negotiates. The order is part of stored
   * records' history only through the store's own code table, never through {@link #ordinal()}.
   */
  public enum Algorithm {
    /** AES-GCM with a 16-byte ICV (RFC 4106): 16- or 32-byte key, 4-byte salt, no integrity key. */
    AES_GCM_16(List.of(16, 32), 4, 0, 16),
    /** AES-CBC (RFC 3602) with HMAC-SHA2-256 cut to 16 bytes (RFC 4868): a 32-byte HMAC key. */
    AES_CBC_HMAC_SHA2_256_128(List.of(16, 24, 32), 0, 32, 16),
    /** AES-CBC with HMAC-SHA2-384 cut to 24 bytes (RFC 4868): a 48-byte HMAC key. */
    AES_CBC_HMAC_SHA2_384_192(List.of(16, 24, 32), 0, 48, 24),
    /** AES-CBC with HMAC-SHA2-512 cut to 32 bytes (RFC 4868): a 64-byte HMAC key. */
    AES_CBC_HMAC_SHA2_512_256(List.of(16, 24, 32), 0, 64, 32),
    /** ChaCha20-Poly1305 (RFC 7634): 32-byte key, 4-byte salt, no integrity key. */
    CHACHA20_POLY1305(List.of(32), 4, 0, 16);

    private final List<Integer> encryptionKeyLengths;
    private final int saltLength;
    private final int integrityKeyLength;
    private final int icvLength;

    Algorithm(
        List<Integer> encryptionKeyLengths, int saltLength, int integrityKeyLength, int icvLength) {
      this.encryptionKeyLengths = encryptionKeyLengths;
      this.saltLength = saltLength;
      this.integrityKeyLength = integrityKeyLength;
      this.icvLength = icvLength;
    }

    /** Combined mode: the cipher authenticates, there is no integrity key. */
    public boolean aead() {
      return integrityKeyLength == 0;
    }

    public int saltLength() {
      return saltLength;
    }

    public int integrityKeyLength() {
      return integrityKeyLength;
    }

    /** Bytes of integrity check value each packet carries. */
    public int icvLength() {
      return icvLength;
    }

    /** The key sizes the cipher takes, in bytes. */
    public List<Integer> encryptionKeyLengths() {
      return encryptionKeyLengths;
    }

    /** What one direction takes from KEYMAT (§2.17): the key, its salt, the integrity key. */
    public int keymatLength(int encryptionKeyBytes) {
      return encryptionKeyBytes + saltLength + integrityKeyLength;
    }

    /**
     * The suite as strongSwan's proposal syntax writes it ({@code aes256gcm16}, {@code
     * aes128-sha384}, {@code chacha20poly1305}), which operators read in a table.
     */
    public String suite(int encryptionKeyBits) {
      return switch (this) {
        case AES_GCM_16 -> "aes" + encryptionKeyBits + "gcm16";
        case CHACHA20_POLY1305 -> "chacha20poly1305";
        default -> "aes" + encryptionKeyBits + "-sha" + integrityKeyLength * 8;
      };
    }
  }

  public EspSaKeys {
    Objects.requireNonNull(algorithm, "algorithm");
    if (spi >= 0 && spi < 256) {
      throw new IllegalArgumentException("SPI " + spi + ": 0-255 are reserved (RFC 4303 §2.1)");
    }
    encryptionKey = encryptionKey.clone();
    salt = salt.clone();
    integrityKey = integrityKey.clone();
    if (!algorithm.encryptionKeyLengths().contains(encryptionKey.length)) {
      throw new InvalidEspKeysException(algorithm, Part.ENCRYPTION_KEY, encryptionKey.length);
    }
    if (salt.length != algorithm.saltLength()) {
      throw new InvalidEspKeysException(algorithm, Part.SALT, salt.length);
    }
    if (integrityKey.length != algorithm.integrityKeyLength()) {
      throw new InvalidEspKeysException(algorithm, Part.INTEGRITY_KEY, integrityKey.length);
    }
  }

  /**
   * The keys of one direction from its slice of KEYMAT, laid out as RFC 7296 §2.17 takes it: the
   * encryption key, with an AEAD's 4-byte salt right behind it (RFC 4106 §8.1, RFC 7634 §4), then
   * the integrity key. The algorithm fixes every length but the AES key's, which is what is left.
   *
   * @throws InvalidEspKeysException when the slice leaves a key length the algorithm does not take
   */
  public static EspSaKeys fromKeymat(
      int spi, Algorithm algorithm, byte[] keymat, boolean extendedSequenceNumbers) {
    int keyLength = keymat.length - algorithm.saltLength() - algorithm.integrityKeyLength();
    if (keyLength <= 0) {
      throw new InvalidEspKeysException(algorithm, Part.KEYMAT, keymat.length);
    }
    int saltEnd = keyLength + algorithm.saltLength();
    return new EspSaKeys(
        spi,
        algorithm,
        Arrays.copyOf(keymat, keyLength),
        Arrays.copyOfRange(keymat, keyLength, saltEnd),
        Arrays.copyOfRange(keymat, saltEnd, keymat.length),
        extendedSequenceNumbers);
  }

  /** AES-GCM-16 from RFC 4106 §8.1's KEYMAT: the key followed by the 4-byte salt. */
  public static EspSaKeys aesGcm(int spi, byte[] keyAndSalt, boolean extendedSequenceNumbers) {
    return fromKeymat(spi, Algorithm.AES_GCM_16, keyAndSalt, extendedSequenceNumbers);
  }

  @Override
  public byte[] encryptionKey() {
    return encryptionKey.clone();
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  @Override
  public byte[] integrityKey() {
    return integrityKey.clone();
  }

  /** The encryption key followed by the salt (RFC 4106 §8.1); just the key for AES-CBC. */
  public byte[] keyAndSalt() {
    byte[] out = Arrays.copyOf(encryptionKey, encryptionKey.length + salt.length);
    System.arraycopy(salt, 0, out, encryptionKey.length, salt.length);
    return out;
  }

  /** This direction's KEYMAT slice again, as {@link #fromKeymat} takes it. */
  public byte[] keymat() {
    byte[] keyAndSalt = keyAndSalt();
    byte[] out = Arrays.copyOf(keyAndSalt, keyAndSalt.length + integrityKey.length);
    System.arraycopy(integrityKey, 0, out, keyAndSalt.length, integrityKey.length);
    Arrays.fill(keyAndSalt, (byte) 0);
    return out;
  }

  /** The suite's name with this key's size, e.g. {@code aes256-sha256}. */
  public String suite() {
    return algorithm.suite(encryptionKey.length * 8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EspSaKeys k
        && k.spi == spi
        && k.algorithm == algorithm
        && k.extendedSequenceNumbers == extendedSequenceNumbers
        && Arrays.equals(k.encryptionKey, encryptionKey)
        && Arrays.equals(k.salt, salt)
        && Arrays.equals(k.integrityKey, integrityKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(spi, algorithm, extendedSequenceNumbers);
  }

  /** Never the keys: a value like this ends up in logs. */
  @Override
  public String toString() {
    return String.format(
        "EspSaKeys[spi=%08x, %s, %d-bit%s]",
        spi, algorithm, encryptionKey.length * 8, extendedSequenceNumbers ? ", esn" : "");
  }
}
