package io.mvpn.ike.pki;

import io.mvpn.api.Ipv4Address;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * What a certificate's subjectAltName (RFC 5280 §4.2.1.6) says, and the seed 002 rules built on it:
 * the initiating party's certificate names its security gateway's public IP address (claim 10), and
 * the target's gateway matches that name against the source address of the IP-IP tunnel to select
 * the SA for the datagrams it carries (claim 11).
 */
public final class SanRule {

  /** GeneralName tags as {@link X509Certificate#getSubjectAlternativeNames()} reports them. */
  private static final int RFC822_NAME = 1;

  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;

  private SanRule() {}

  /**
   * Seed 002 claim 11: whether one of the certificate's subjectAltName IP addresses is {@code
   * tunnelSource}.
   */
  public static boolean matchesTunnelSource(X509Certificate certificate, Ipv4Address tunnelSource) {
    return ipAddresses(certificate).contains(tunnelSource);
  }

  /** The IPv4 addresses among the subjectAltName entries. */
  public static List<Ipv4Address> ipAddresses(X509Certificate certificate) {
    List<Ipv4Address> out = new ArrayList<>();
    for (String text : names(certificate, IP_ADDRESS)) {
      if (text.indexOf(':') < 0) { // IPv6 entries are written with colons
        try {
          out.add(Ipv4Address.parse(text));
        } catch (IllegalArgumentException e) {
          // not a dotted quad: not ours to match
        }
      }
    }
    return out;
  }

  /** The DNS names among the subjectAltName entries, lower case. */
  public static List<String> dnsNames(X509Certificate certificate) {
    List<String> out = new ArrayList<>();
    for (String name : names(certificate, DNS_NAME)) {
      out.add(name.toLowerCase(Locale.ROOT));
    }
    return out;
  }

  /** The RFC 822 (e-mail) names among the subjectAltName entries, as written. */
  public static List<String> rfc822Names(X509Certificate certificate) {
    return names(certificate, RFC822_NAME);
  }

  private static List<String> names(X509Certificate certificate, int tag) {
    Collection<List<?>> all;
    try {
      all = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of(); // an unparseable extension names nothing
    }
    List<String> out = new ArrayList<>();
    if (all == null) {
      return out;
    }
    for (List<?> entry : all) {
      if (entry.size() >= 2
          && entry.get(0) instanceof Integer
          && (Integer) entry.get(0) == tag
          && entry.get(1) instanceof String) {
        out.add((String) entry.get(1));
      }
    }
    return out;
  }
}
