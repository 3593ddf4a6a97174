package io.mvpn.ike.crypto;

import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.util.Arrays;

/**
 * An IKE endpoint's randomness (SPIs, nonces, Diffie-Hellman secrets, rekey jitter): the JDK's NIST
 * SP 800-90A DRBG ({@code securerandom.drbg.config}, Hash_DRBG with SHA-256 by default) at 256 bits
 * of security strength, seeded by the JDK from the operating system's entropy source and
 * personalised with 32 bytes of the generator it wraps, read 256 bytes at a time. Each byte of the
 * buffer is handed out once and zeroed as it goes; requests of more than half the buffer go to the
 * DRBG directly.
 *
 * <p>Why: a responder draws five times per setup (the IKE SPI in two, Diffie-Hellman secret, nonce,
 * ESP SPI), 4 to 32 bytes each, and the platform default ({@code NativePRNG}) takes a lock, a SHA-1
 * and its {@code /dev/urandom} buffer for each, 0.35 to 0.6 µs however few bytes are asked for; the
 * DRBG gives 256 bytes for about 0.8 µs. Holding at most 256 future output bytes in memory exposes
 * nothing the DRBG's own state, also in memory, does not.
 */
public final class BufferedDrbg extends SecureRandom {

  private static final long serialVersionUID = 1L;

  private static final int BUFFER = 256;

  private BufferedDrbg(Spi spi) {
    super(spi, null); // no provider: SecureRandom serialises the calls
  }

  /**
   * A buffered DRBG personalised from {@code source}; {@code source} itself if it is one already,
   * or if this JVM has no DRBG.
   */
  public static SecureRandom around(SecureRandom source) {
    if (source instanceof BufferedDrbg) {
      return source;
    }
    byte[] personalisation = new byte[32];
    source.nextBytes(personalisation);
    try {
      SecureRandom drbg =
          SecureRandom.getInstance(
              "DRBG",
              DrbgParameters.instantiation(256, DrbgParameters.Capability.NONE, personalisation));
      return new BufferedDrbg(new Spi(drbg, source));
    } catch (NoSuchAlgorithmException | IllegalArgumentException e) {
      return source;
    } finally {
      Arrays.fill(personalisation, (byte) 0);
    }
  }

  private static final class Spi extends SecureRandomSpi {

    private static final long serialVersionUID = 1L;

    private final SecureRandom drbg;
    private final SecureRandom source;
    private final byte[] buffer = new byte[BUFFER];
    private int next = BUFFER;

    Spi(SecureRandom drbg, SecureRandom source) {
      this.drbg = drbg;
      this.source = source;
    }

    @Override
    protected void engineSetSeed(byte[] seed) {
      drbg.setSeed(seed);
      Arrays.fill(buffer, (byte) 0); // what follows depends on the new seed
      next = BUFFER;
    }

    @Override
    protected void engineNextBytes(byte[] bytes) {
      if (bytes.length > BUFFER / 2) {
        drbg.nextBytes(bytes);
        return;
      }
      int done = 0;
      while (done < bytes.length) {
        if (next == BUFFER) {
          drbg.nextBytes(buffer);
          next = 0;
        }
        int n = Math.min(bytes.length - done, BUFFER - next);
        System.arraycopy(buffer, next, bytes, done, n);
        Arrays.fill(buffer, next, next + n, (byte) 0);
        next += n;
        done += n;
      }
    }

    @Override
    protected byte[] engineGenerateSeed(int numBytes) {
      return source.generateSeed(numBytes);
    }
  }
}
