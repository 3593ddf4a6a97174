package io.mvpn.aodv.pki;

import io.mvpn.aodv.message.AodvFormatException;
import io.mvpn.aodv.message.PkiCertificate;
import io.mvpn.aodv.message.PkiSignature;
import io.mvpn.aodv.message.RouteReply;
import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.pki.CertificateValidator;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.security.auth.x500.X500Principal;

/**
 * Checks a PKI-signed message (seed 002 c52, c54): its certificate, carried or fetched by reference
 * (c55), chains to the MSM's CA, is valid at the time given and not on the CA's CRL, and its key
 * signed the message; a certificate naming IPv4 addresses must name the one the sender claims. The
 * identity is the certificate's first DNS name (the member's FQDN), else its common name.
 */
public final class PkiVerifier {

  /** Why a message was refused. */
  public enum Refusal {
    /** Certificate parts or signature that do not parse, or a certificate that is no X.509. */
    MALFORMED,
    /** Not issued by the MSM's CA. */
    UNKNOWN_ISSUER,
    /** On the CA's CRL. */
    REVOKED,
    /** Outside its validity period. */
    EXPIRED,
    /** Anything else PKIX refuses, or no current CRL covering it. */
    INVALID_CERTIFICATE,
    /** A key whose signatures do not fit (RSA), or that the runtime cannot use. */
    UNSUPPORTED_KEY,
    BAD_SIGNATURE,
    /** The certificate names addresses, not the one the sender claims. */
    WRONG_ADDRESS,
    /** A reference the MSM has no certificate for, or no way to ask. */
    NOT_FOUND
  }

  /** What a valid message proved. */
  public record Verified(
      String identity, X509Certificate certificate, String fingerprint, PkiSignature signature) {}

  /** The check's end: {@code verified}, or {@code refusal} with a detail for logs. */
  public record Outcome(Verified verified, Refusal refusal, String detail) {
    public boolean ok() {
      return verified != null;
    }

    static Outcome refused(Refusal why, String detail) {
      return new Outcome(null, why, detail);
    }
  }

  private final CertificateValidator trust;
  private final CertificateSource source;

  /**
   * @param trust the MSM's CA (and its CRL, which makes revocation checked)
   * @param source where references are looked up; null: a reference is not found
   */
  public PkiVerifier(CertificateValidator trust, CertificateSource source) {
    this.trust = Objects.requireNonNull(trust, "trust");
    this.source = source;
  }

  /** Checks {@code message} from {@code claimed}; {@code answer} may run on the source's thread. */
  public void check(RouteReply message, Ipv4Address claimed, Instant at, Consumer<Outcome> answer) {
    PkiCertificate carried;
    PkiSignature signature;
    try {
      carried = PkiCertificate.of(message);
      signature = PkiSignature.of(message);
    } catch (AodvFormatException e) {
      answer.accept(Outcome.refused(Refusal.MALFORMED, e.getMessage()));
      return;
    }
    if (carried == null || signature == null) {
      answer.accept(Outcome.refused(Refusal.MALFORMED, "no certificate or no signature"));
      return;
    }
    if (carried.form() == PkiCertificate.Form.CERTIFICATE) {
      answer.accept(checkWith(message, decode(carried.payload()), claimed, at, signature));
    } else if (source == null) {
      answer.accept(Outcome.refused(Refusal.NOT_FOUND, "no certificate source"));
    } else {
      byte[] fingerprint = carried.fingerprint();
      source.fetch(
          carried,
          found ->
              answer.accept(
                  found
                      .filter(c -> matches(c, fingerprint))
                      .map(c -> checkWith(message, Optional.of(c), claimed, at, signature))
                      .orElseGet(
                          () ->
                              Outcome.refused(
                                  Refusal.NOT_FOUND, "no CERT for " + carried.dnsName()))));
    }
  }

  private Outcome checkWith(
      RouteReply message,
      Optional<X509Certificate> certificate,
      Ipv4Address claimed,
      Instant at,
      PkiSignature signature) {
    if (certificate.isEmpty()) {
      return Outcome.refused(Refusal.MALFORMED, "not an X.509 certificate");
    }
    X509Certificate c = certificate.get();
    CertificateValidator.Result r = trust.validate(List.of(c), at);
    if (!r.ok()) {
      return Outcome.refused(refusal(r.status()), r.detail());
    }
    try {
      if (!PkiSigning.verify(message, c.getPublicKey())) {
        return Outcome.refused(Refusal.BAD_SIGNATURE, "signature of " + identity(c));
      }
    } catch (PkiSigning.UnsupportedKeyException e) {
      return Outcome.refused(Refusal.UNSUPPORTED_KEY, e.getMessage());
    } catch (AodvFormatException e) {
      return Outcome.refused(Refusal.MALFORMED, e.getMessage());
    }
    List<Ipv4Address> addresses = addresses(c);
    if (!addresses.isEmpty() && !addresses.contains(claimed)) {
      return Outcome.refused(Refusal.WRONG_ADDRESS, identity(c) + " is not " + claimed);
    }
    return new Outcome(new Verified(identity(c), c, fingerprint(c), signature), null, "OK");
  }

  private static Refusal refusal(CertificateValidator.Status status) {
    return switch (status) {
      case UNKNOWN_CA, BAD_SIGNATURE -> Refusal.UNKNOWN_ISSUER;
      case REVOKED -> Refusal.REVOKED;
      case EXPIRED, NOT_YET_VALID -> Refusal.EXPIRED;
      default -> Refusal.INVALID_CERTIFICATE;
    };
  }

  /** {@code der} as an X.509 certificate, or empty. */
  static Optional<X509Certificate> decode(byte[] der) {
    try {
      return Optional.of(
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der)));
    } catch (GeneralSecurityException | ClassCastException e) {
      return Optional.empty();
    }
  }

  private static boolean matches(X509Certificate c, byte[] fingerprint) {
    try {
      return java.security.MessageDigest.isEqual(
          DnsCertificateSource.sha256(c.getEncoded()), fingerprint);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The SHA-256 of the certificate's DER, hex. */
  public static String fingerprint(X509Certificate c) {
    try {
      return HexFormat.of().formatHex(DnsCertificateSource.sha256(c.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a parsed certificate encodes", e);
    }
  }

  /** The certificate's first DNS name, else its common name. */
  public static String identity(X509Certificate c) {
    for (List<?> name : altNames(c)) {
      if (Integer.valueOf(2).equals(name.get(0))) { // dNSName
        return (String) name.get(1);
      }
    }
    String dn = c.getSubjectX500Principal().getName(X500Principal.RFC2253);
    for (String part : dn.split(",")) {
      if (part.startsWith("CN=")) {
        return part.substring(3);
      }
    }
    return dn;
  }

  private static List<Ipv4Address> addresses(X509Certificate c) {
    List<Ipv4Address> out = new ArrayList<>();
    for (List<?> name : altNames(c)) {
      if (Integer.valueOf(7).equals(name.get(0)) && name.get(1) instanceof String ip) {
        try {
          out.add(Ipv4Address.parse(ip));
        } catch (IllegalArgumentException notIpv4) {
          // an IPv6 address: not one a hello can claim
        }
      }
    }
    return out;
  }

  private static Collection<List<?>> altNames(X509Certificate c) {
    try {
      Collection<List<?>> names = c.getSubjectAlternativeNames();
      return names == null ? List.of() : names;
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }
}
