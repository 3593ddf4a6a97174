/**
 * The Linux TUN transport: an interface whose link is the host kernel itself, through a TUN device
 * opened with JNA. Kept apart from the socket transports because only it needs native calls.
 */
@Export
@Version("0.1.0")
package io.mvpn.net.transport.tun;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
