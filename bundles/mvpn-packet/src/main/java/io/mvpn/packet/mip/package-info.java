/** Mobile IPv4 (RFC 5944) registration messages, extensions and authentication. */
@Export
@Version("0.2.0")
package io.mvpn.packet.mip;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
