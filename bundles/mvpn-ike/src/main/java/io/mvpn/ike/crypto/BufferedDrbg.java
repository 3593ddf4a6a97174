package io.mvpn.ike.crypto;

import java.io.InvalidObjectException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamException;
import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.util.Arrays;
import java.util.Set;

/**
 * An IKE endpoint's randomness (SPIs, nonces, Diffie-Hellman secrets, rekey jitter): the JDK's NIST
 * SP 800-90A DRBG ({@code securerandom.drbg.config}, Hash_DRBG with SHA-256 by default) at 256 bits
 * of security strength, seeded by the JDK from the operating system's entropy source and
 * personalised with 32 bytes of the generator it wraps, read 256 bytes at a time. Each byte of the
 * buffer is handed out once and zeroed as it goes; requests of more than half the buffer go to the
 * DRBG directly.
 *
 * <p>The JDK's DRBG never reseeds on its own, and what it would reseed from (the JDK's seeder) is a
 * DRBG seeded once too: a cloned or restored virtual machine would repeat its output, and a state
 * that leaked would stay known. So every read of the DRBG takes 32 fresh bytes of the wrapped
 * generator ({@code /dev/urandom} for the platform's) as additional input (SP 800-90A §9.3), which
 * the output and the next state depend on: two clones part within the 256 bytes buffered when they
 * were cloned, as the platform generator itself does within its own buffer of {@code /dev/urandom}.
 *
 * <p>Only the platform's own generators are wrapped ({@link #around}): one from another provider (a
 * FIPS module, a hardware token) or of a class of its own is used as given, as is the platform's
 * blocking one, asked for by name. The DRBG is seeded, and its first 256 bytes read, when it is
 * made: where seeding waits for the kernel's entropy (old kernels, early at boot), that happens
 * then and not on the first packet. It is never serialised: a copy read back would hand out its
 * buffered bytes again.
 *
 * <p>Why: a responder draws five times per setup (the IKE SPI in two, Diffie-Hellman secret, nonce,
 * ESP SPI), 4 to 32 bytes each, and the platform default ({@code NativePRNG}) takes a lock, a SHA-1
 * and its {@code /dev/urandom} buffer for each, 0.35 to 0.6 µs however few bytes are asked for; the
 * DRBG gives 256 bytes, fresh input mixed in, for one such draw and a few hashes (a setup's draws
 * take 0.6 to 0.8 of the time, docs/benchmarks.md). Holding at most 256 future output bytes in
 * memory exposes nothing the DRBG's own state, also in memory, does not.
 */
public final class BufferedDrbg extends SecureRandom {

  private static final long serialVersionUID = 1L;

  private static final int BUFFER = 256;

  /** Bytes of the wrapped generator mixed into each read of the DRBG: its security strength. */
  static final int FRESH = 32;

  /** The platform's generators that do not block ({@code SUN}); others are used as given. */
  private static final Set<String> PLATFORM = Set.of("NativePRNG", "NativePRNGNonBlocking", "DRBG");

  private BufferedDrbg(Spi spi) {
    super(spi, null); // no provider: SecureRandom serialises the calls
  }

  /**
   * A buffered DRBG personalised from {@code source} and fed from it, if {@code source} is one of
   * the platform's own non-blocking generators (as {@code new SecureRandom()} gives); otherwise, or
   * if this JVM has no DRBG, {@code source} itself.
   */
  public static SecureRandom around(SecureRandom source) {
    if (!platforms(source)) {
      return source;
    }
    byte[] personalisation = new byte[32];
    source.nextBytes(personalisation);
    try {
      SecureRandom drbg =
          SecureRandom.getInstance(
              "DRBG",
              DrbgParameters.instantiation(256, DrbgParameters.Capability.NONE, personalisation));
      return over(drbg, source);
    } catch (NoSuchAlgorithmException | IllegalArgumentException e) {
      return source;
    } finally {
      Arrays.fill(personalisation, (byte) 0);
    }
  }

  /** Whether {@code source} is a platform generator this may wrap. */
  static boolean platforms(SecureRandom source) {
    Provider provider = source.getProvider();
    return source.getClass() == SecureRandom.class
        && provider != null
        && "SUN".equals(provider.getName())
        && PLATFORM.contains(source.getAlgorithm());
  }

  /** Buffers {@code drbg}, which takes additional input, fed from {@code source}: filled now. */
  static BufferedDrbg over(SecureRandom drbg, SecureRandom source) {
    return new BufferedDrbg(new Spi(drbg, source));
  }

  private Object writeReplace() throws ObjectStreamException {
    throw new NotSerializableException("a buffered DRBG is not serialised: " + getClass());
  }

  private static final class Spi extends SecureRandomSpi {

    private static final long serialVersionUID = 1L;

    private final SecureRandom drbg;
    private final SecureRandom source;
    private final byte[] buffer = new byte[BUFFER];
    private final byte[] fresh = new byte[FRESH];
    private int next;

    Spi(SecureRandom drbg, SecureRandom source) {
      this.drbg = drbg;
      this.source = source;
      read(buffer); // seeds the DRBG: any wait for entropy happens here
    }

    /** Fills {@code bytes} from the DRBG, fresh bytes of the source mixed in. */
    private void read(byte[] bytes) {
      source.nextBytes(fresh);
      try {
        drbg.nextBytes(bytes, DrbgParameters.nextBytes(256, false, fresh));
      } finally {
        Arrays.fill(fresh, (byte) 0);
      }
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
        read(bytes);
        return;
      }
      int done = 0;
      while (done < bytes.length) {
        if (next == BUFFER) {
          read(buffer);
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

    private void writeObject(ObjectOutputStream out) throws NotSerializableException {
      throw new NotSerializableException("a buffered DRBG is not serialised");
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
      throw new InvalidObjectException("a buffered DRBG is not serialised");
    }
  }
}
