/** TCP (RFC 9293) segments over IPv4: a parsed view, the pseudo-header checksum, NAPT rewrites. */
@Export
@Version("0.1.0")
package io.mvpn.packet.tcp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
