package io.mvpn.ipsec.esp;

import java.security.GeneralSecurityException;
import java.security.Provider;
import javax.crypto.Cipher;

/**
 * New AES-GCM ciphers from the provider the JCA picks for them, found once. A lookup by name alone
 * walks every installed provider for each form of the transformation and costs four times the
 * Cipher it returns; an IKE responder makes two SAs, so two ciphers, for every Child SA.
 */
final class AesGcm {

  private static final String TRANSFORMATION = "AES/GCM/NoPadding";

  private AesGcm() {}

  /** Resolved on first use, so a JVM without AES-GCM fails where an SA needs it, as before. */
  private static final class Preferred {
    static final Provider PROVIDER = lookUp();

    private static Provider lookUp() {
      try {
        return Cipher.getInstance(TRANSFORMATION).getProvider();
      } catch (GeneralSecurityException e) {
        return null;
      }
    }
  }

  /** A fresh, uninitialised AES/GCM/NoPadding cipher. */
  static Cipher newCipher() throws GeneralSecurityException {
    Provider provider = Preferred.PROVIDER;
    return provider == null
        ? Cipher.getInstance(TRANSFORMATION)
        : Cipher.getInstance(TRANSFORMATION, provider);
  }
}
