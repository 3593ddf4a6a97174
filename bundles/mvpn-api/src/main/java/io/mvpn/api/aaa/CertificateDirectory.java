package io.mvpn.api.aaa;

import java.util.List;
import java.util.function.Consumer;

/**
 * The certificates an MSM's CA issued, by the DNS name they certify (seed 002 c55-56): what the
 * MSM's DNS publishes as CERT records and what a sink fetches over Diameter when a hello carries
 * only a reference. {@code dnsName} is compared without case and without a trailing dot; the answer
 * holds the DER of each certificate naming it as a DNS subjectAltName that is neither revoked nor
 * expired, newest first, or is empty. It may come later and on another thread.
 */
@FunctionalInterface
public interface CertificateDirectory {

  void certificates(String dnsName, Consumer<List<byte[]>> answer);

  /** A directory that knows no certificate. */
  CertificateDirectory NONE = (dnsName, answer) -> answer.accept(List.of());

  /** {@code dnsName} as directories compare it: lower case, without a trailing dot. */
  static String normalise(String dnsName) {
    String n = dnsName.trim().toLowerCase(java.util.Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
