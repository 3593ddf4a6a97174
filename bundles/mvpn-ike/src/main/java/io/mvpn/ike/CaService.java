package io.mvpn.ike;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.pki.Credential;
import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The appliance's certificate authority ({@code etc/io.mvpn.ca.cfg}, optional): a self-signed root
 * created when the component first activates, which issues end-entity certificates to gateways and
 * nodes, revokes them and publishes the CRL. Thread-safe.
 */
public interface CaService {

  /** The root certificate, the trust anchor peers configure. */
  X509Certificate certificate();

  /** Issues a certificate with a fresh key for {@code commonName} and its subjectAltNames. */
  default Credential issue(String commonName, List<Ipv4Address> addresses, List<String> dnsNames) {
    return issue(commonName, addresses, dnsNames, List.of());
  }

  /**
   * As above, granting the roles named by certificate policy OIDs (RFC 5280 §4.2.1.4), e.g. {@link
   * io.mvpn.ike.pki.CertificatePolicy#AODV_SINK} for an AODV site's sink.
   */
  Credential issue(
      String commonName, List<Ipv4Address> addresses, List<String> dnsNames, List<String> policies);

  /** The newest unrevoked, unexpired certificate issued for {@code commonName} with its key. */
  Optional<Credential> credential(String commonName);

  /** Everything issued, oldest first. */
  List<IssuedView> issued();

  /** Revokes {@code serial} from now on; false if this CA never issued it. */
  boolean revoke(BigInteger serial);

  /** A CRL of every revoked serial, issued now. */
  X509CRL crl();

  /** Trusts the root and checks revocation against a current CRL. */
  CertificateValidator validator();

  /** One issued certificate; {@code revokedAt} is null while it is not revoked. */
  record IssuedView(
      BigInteger serial,
      String subject,
      List<String> subjectAltNames,
      Instant notBefore,
      Instant notAfter,
      Instant revokedAt) {

    public IssuedView {
      subjectAltNames = List.copyOf(subjectAltNames);
    }
  }
}
