package io.mvpn.aodv.pki;

import io.mvpn.aodv.message.PkiCertificate;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a sink gets the certificate a hello only refers to (seed 002 c55-56): from the node's MSM,
 * by DNS (CERT record, c55) or by Diameter (c56). The answer may come later and on another thread;
 * empty when the MSM has no certificate of that name and fingerprint, or could not be asked.
 */
@FunctionalInterface
public interface CertificateSource {

  void fetch(PkiCertificate reference, Consumer<Optional<X509Certificate>> answer);

  /** Of {@code ders}, the first whose SHA-256 is {@code fingerprint}, as a certificate. */
  static Optional<X509Certificate> withFingerprint(List<byte[]> ders, byte[] fingerprint) {
    for (byte[] der : ders) {
      if (MessageDigest.isEqual(DnsCertificateSource.sha256(der), fingerprint)) {
        return PkiVerifier.decode(der); // empty if the bytes that matched are no certificate
      }
    }
    return Optional.empty();
  }
}
