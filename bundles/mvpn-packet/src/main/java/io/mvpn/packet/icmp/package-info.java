/** ICMP (RFC 792, RFC 1256): echo, errors, router advertisement and solicitation. */
@Export
@Version("0.1.0")
package io.mvpn.packet.icmp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
