/**
 * KINK (RFC 4430): Kerberos-keyed negotiation of IPsec SAs, the wire protocol between nodes and
 * security association managers (seed 000 c4): messages, payloads, the keyed checksum and
 * KINK_ENCRYPT.
 */
@Export
@Version("0.2.0")
package io.mvpn.sam.kink;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
