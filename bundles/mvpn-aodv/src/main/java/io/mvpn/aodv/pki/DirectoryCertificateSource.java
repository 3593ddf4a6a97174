package io.mvpn.aodv.pki;

import io.mvpn.aodv.message.PkiCertificate;
import io.mvpn.api.aaa.CertificateDirectory;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A node's certificate from its MSM by Diameter (seed 002 c56): the certificates the MSM's CA
 * issued under the name the hello gives, of which the one whose SHA-256 is the hello's fingerprint.
 * The directory is the sink's node authority (a NASREQ client asks the MSM of the sink's realm).
 */
public final class DirectoryCertificateSource implements CertificateSource {

  private final CertificateDirectory directory;

  public DirectoryCertificateSource(CertificateDirectory directory) {
    this.directory = directory;
  }

  @Override
  public void fetch(PkiCertificate reference, Consumer<Optional<X509Certificate>> answer) {
    byte[] fingerprint = reference.fingerprint();
    directory.certificates(
        reference.dnsName(),
        found -> answer.accept(CertificateSource.withFingerprint(found, fingerprint)));
  }
}
