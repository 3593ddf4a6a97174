package io.mvpn.ike.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;

/**
 * JCA engines kept per thread and algorithm. Looking a provider up for a new {@code Mac}, {@code
 * Cipher} or {@code MessageDigest} costs more than the HMAC or the AES-GCM of a short IKE message
 * it then computes (a quarter of a responder's non-crypto work per setup, JFR), and an IKE setup
 * asks for about twenty. Each caller initialises what it gets and finishes with it before it asks
 * for the same algorithm again on the same thread; nothing here is handed on or kept.
 */
final class JcaInstances {

  private static final ThreadLocal<Map<String, Mac>> MACS = ThreadLocal.withInitial(HashMap::new);
  private static final ThreadLocal<Map<String, Cipher>> CIPHERS =
      ThreadLocal.withInitial(HashMap::new);
  private static final ThreadLocal<Map<String, MessageDigest>> DIGESTS =
      ThreadLocal.withInitial(HashMap::new);

  /** How an engine is made the first time: its getInstance. */
  private interface Factory<T> {
    T create(String algorithm) throws GeneralSecurityException;
  }

  private JcaInstances() {}

  /** This thread's Mac of {@code algorithm}; the caller initialises it with its key. */
  static Mac mac(String algorithm) throws GeneralSecurityException {
    return cached(MACS, algorithm, Mac::getInstance);
  }

  /** This thread's Cipher of {@code transformation}; the caller initialises it (key and nonce). */
  static Cipher cipher(String transformation) throws GeneralSecurityException {
    return cached(CIPHERS, transformation, Cipher::getInstance);
  }

  /** This thread's MessageDigest of {@code algorithm}, reset. */
  static MessageDigest digest(String algorithm) throws GeneralSecurityException {
    MessageDigest digest = cached(DIGESTS, algorithm, MessageDigest::getInstance);
    digest.reset();
    return digest;
  }

  private static <T> T cached(
      ThreadLocal<Map<String, T>> cache, String algorithm, Factory<T> factory)
      throws GeneralSecurityException {
    Map<String, T> engines = cache.get();
    T engine = engines.get(algorithm);
    if (engine == null) {
      engine = factory.create(algorithm);
      engines.put(algorithm, engine);
    }
    return engine;
  }
}
