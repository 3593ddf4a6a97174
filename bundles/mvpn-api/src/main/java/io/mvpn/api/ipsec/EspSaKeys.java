package io.mvpn.api.ipsec;

import java.util.Arrays;
import java.util.Objects;

/**
 * The key material of one ESP SA as a key exchange derived it (RFC 7296 §2.17): what the data plane
 * that runs the SA needs to build it, and nothing of the SA's state. The arrays are copied in and
 * out, so the holder of a value cannot change the keys behind another's back.
 *
 * @param spi the SPI the receiving end chose
 * @param integrityKey empty for a combined-mode (AEAD) algorithm
 * @param extendedSequenceNumbers 64-bit sequence numbers (RFC 4303 §2.2.1)
 */
public record EspSaKeys(
    int spi,
    Algorithm algorithm,
    byte[] encryptionKey,
    byte[] salt,
    byte[] integrityKey,
    boolean extendedSequenceNumbers) {

  /** The transforms a gateway can run. */
  public enum Algorithm {
    /** AES-GCM with a 16-byte ICV (RFC 4106): 16- or 32-byte key, 4-byte salt, no integrity key. */
    AES_GCM_16
  }

  public EspSaKeys {
    Objects.requireNonNull(algorithm, "algorithm");
    if (spi >= 0 && spi < 256) {
      throw new IllegalArgumentException("SPI " + spi + ": 0-255 are reserved (RFC 4303 §2.1)");
    }
    encryptionKey = encryptionKey.clone();
    salt = salt.clone();
    integrityKey = integrityKey.clone();
    if (encryptionKey.length != 16 && encryptionKey.length != 32) {
      throw new IllegalArgumentException("AES-GCM key of " + encryptionKey.length + " bytes");
    }
    if (salt.length != 4 || integrityKey.length != 0) {
      throw new IllegalArgumentException("AES-GCM takes a 4-byte salt and no integrity key");
    }
  }

  /** AES-GCM-16 from RFC 4106 §8.1's KEYMAT: the key followed by the 4-byte salt. */
  public static EspSaKeys aesGcm(int spi, byte[] keyAndSalt, boolean extendedSequenceNumbers) {
    int keyLength = keyAndSalt.length - 4;
    if (keyLength < 0) {
      throw new IllegalArgumentException("AES-GCM key material of " + keyAndSalt.length + " bytes");
    }
    return new EspSaKeys(
        spi,
        Algorithm.AES_GCM_16,
        Arrays.copyOf(keyAndSalt, keyLength),
        Arrays.copyOfRange(keyAndSalt, keyLength, keyAndSalt.length),
        new byte[0],
        extendedSequenceNumbers);
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

  /** The encryption key followed by the salt, as RFC 4106 §8.1 lays out KEYMAT. */
  public byte[] keyAndSalt() {
    byte[] out = Arrays.copyOf(encryptionKey, encryptionKey.length + salt.length);
    System.arraycopy(salt, 0, out, encryptionKey.length, salt.length);
    return out;
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
