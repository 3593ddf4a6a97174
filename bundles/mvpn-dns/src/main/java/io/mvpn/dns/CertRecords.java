package io.mvpn.dns;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import org.xbill.DNS.CERTRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;

/**
 * A certificate as a CERT record (RFC 4398 §2): type PKIX (1), the certificate's DER as data, and
 * the key tag and algorithm of its public key in DNSKEY form (RFC 4034 App. B; flags 0, protocol
 * 3), so a resolver can tell which key it holds without parsing it. A key DNSSEC has no algorithm
 * for (or a certificate that does not parse) gets algorithm 0 and key tag 0, as §2 says.
 */
final class CertRecords {

  private CertRecords() {}

  static CERTRecord pkix(Name owner, long ttl, byte[] der) {
    int algorithm = 0;
    int keyTag = 0;
    try {
      PublicKey key =
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der))
              .getPublicKey();
      int a = algorithm(key);
      if (a != 0) {
        keyTag =
            new DNSKEYRecord(owner, DClass.IN, ttl, 0, DNSKEYRecord.Protocol.DNSSEC, a, key)
                .getFootprint();
        algorithm = a;
      }
    } catch (GeneralSecurityException | ClassCastException | DNSSEC.DNSSECException e) {
      // no key tag: algorithm and tag stay 0
    }
    return new CERTRecord(owner, DClass.IN, ttl, CERTRecord.PKIX, keyTag, algorithm, der);
  }

  /** The DNSSEC algorithm number of {@code key}'s kind, or 0 when there is none. */
  static int algorithm(PublicKey key) {
    if (key instanceof ECKey ec) {
      return switch (ec.getParams().getCurve().getField().getFieldSize()) {
        case 256 -> DNSSEC.Algorithm.ECDSAP256SHA256;
        case 384 -> DNSSEC.Algorithm.ECDSAP384SHA384;
        default -> 0;
      };
    }
    if (key instanceof RSAKey) {
      return DNSSEC.Algorithm.RSASHA256;
    }
    if ("Ed25519".equalsIgnoreCase(key.getAlgorithm()) || "EdDSA".equals(key.getAlgorithm())) {
      return DNSSEC.Algorithm.ED25519;
    }
    return 0;
  }

  /** Whether {@code der} parses as an X.509 certificate (only those are published). */
  static boolean isCertificate(byte[] der) {
    try {
      return CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der))
          instanceof X509Certificate;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
