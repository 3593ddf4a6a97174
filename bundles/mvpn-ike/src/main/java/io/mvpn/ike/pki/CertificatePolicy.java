package io.mvpn.ike.pki;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.PolicyInformation;

/**
 * Roles a CA grants by certificate policy OID (RFC 5280 §4.2.1.4): a relying party that must tell
 * one kind of holder from another of the same CA checks the OID, not the name.
 */
public final class CertificatePolicy {

  /**
   * An AODV site's sink (seed 002 c53-54): a node takes Site Routes only from a certificate of its
   * MSM's CA that carries this policy, never from another member's. A UUID-based OID (ITU-T X.667,
   * arc 2.25), so it needs no registration and collides with no one's.
   */
  public static final String AODV_SINK = "2.25.151496865374319595861781521586545262158";

  /** Roles an operator names when issuing ({@code mvpn:ca issue ... --role sink}), by name. */
  public static final Map<String, String> ROLES = Map.of("sink", AODV_SINK);

  private CertificatePolicy() {}

  /** The policy OID of the role {@code name} (case-insensitive), empty if there is no such role. */
  public static Optional<String> role(String name) {
    return Optional.ofNullable(ROLES.get(name.toLowerCase(Locale.ROOT)));
  }

  /** The certificatePolicies extension value naming {@code oids}, without qualifiers. */
  static CertificatePolicies encode(List<String> oids) {
    PolicyInformation[] info = new PolicyInformation[oids.size()];
    for (int i = 0; i < info.length; i++) {
      info[i] = new PolicyInformation(new ASN1ObjectIdentifier(oids.get(i)));
    }
    return new CertificatePolicies(info);
  }

  /** Whether {@code certificate} names the policy {@code oid}; false when it names none. */
  public static boolean carries(X509Certificate certificate, String oid) {
    byte[] extension = certificate.getExtensionValue("2.5.29.32");
    if (extension == null) {
      return false;
    }
    try {
      CertificatePolicies policies =
          CertificatePolicies.getInstance(ASN1OctetString.getInstance(extension).getOctets());
      return policies.getPolicyInformation(new ASN1ObjectIdentifier(oid)) != null;
    } catch (IllegalArgumentException | IllegalStateException e) {
      return false; // a malformed extension grants nothing
    }
  }
}
