package io.mvpn.api.ipsec;

/**
 * Key material an ESP algorithm cannot run on: which part has which wrong length. An {@link
 * IllegalArgumentException}, so whoever skips a bad record or refuses a bad Child SA on that
 * already does for this one.
 */
public final class InvalidEspKeysException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** The part of the key material that is wrong. */
  public enum Part {
    ENCRYPTION_KEY,
    SALT,
    INTEGRITY_KEY,
    /** The whole KEYMAT slice: too short to hold even the fixed-length parts. */
    KEYMAT
  }

  private final EspSaKeys.Algorithm algorithm;
  private final Part part;
  private final int length;

  public InvalidEspKeysException(EspSaKeys.Algorithm algorithm, Part part, int length) {
    super(message(algorithm, part, length));
    this.algorithm = algorithm;
    this.part = part;
    this.length = length;
  }

  private static String message(EspSaKeys.Algorithm algorithm, Part part, int length) {
    String expected =
        switch (part) {
          case ENCRYPTION_KEY -> algorithm.encryptionKeyLengths().toString();
          case SALT -> Integer.toString(algorithm.saltLength());
          case INTEGRITY_KEY -> Integer.toString(algorithm.integrityKeyLength());
          case KEYMAT -> "more than " + (algorithm.saltLength() + algorithm.integrityKeyLength());
        };
    return algorithm
        + " takes "
        + expected
        + " bytes of "
        + part.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
        + ", not "
        + length;
  }

  public EspSaKeys.Algorithm algorithm() {
    return algorithm;
  }

  public Part part() {
    return part;
  }

  /** The length given, in bytes. */
  public int length() {
    return length;
  }
}
