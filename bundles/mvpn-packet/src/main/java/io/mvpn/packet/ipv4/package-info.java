/** IPv4 (RFC 791): validated flyweight views, header builder, reassembly. */
@Export
@Version("0.1.0")
package io.mvpn.packet.ipv4;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
