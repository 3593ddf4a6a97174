/**
 * IKEv2 key derivation, Diffie-Hellman groups and the encrypted payload (RFC 7296 §2.13-2.17, RFC
 * 5282).
 */
@Export
@Version("0.1.0")
package io.mvpn.ike.crypto;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
