/**
 * X.509 for IKEv2 (RFC 7296 §3.6-§3.7, RFC 5280): a small certificate authority for mobile nodes
 * and gateways, PKIX path validation against trusted CAs and CRLs, the certificate authenticator of
 * IKE_AUTH and the seed 002 rule that binds a certificate's subjectAltName to an IP-IP tunnel
 * source. Built on Bouncy Castle's PKIX classes; the JDK's providers do the cryptography, and no
 * provider is ever registered globally.
 */
@Export
@Version("0.2.0")
package io.mvpn.ike.pki;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
