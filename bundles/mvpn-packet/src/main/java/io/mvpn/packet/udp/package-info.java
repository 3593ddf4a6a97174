/** UDP (RFC 768) over IPv4, with the pseudo-header checksum. */
@Export
@Version("0.1.0")
package io.mvpn.packet.udp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
