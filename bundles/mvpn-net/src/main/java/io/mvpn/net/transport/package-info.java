/**
 * Transports that leave the JVM: UDP point-to-point links between mvpn processes and host sockets
 * that let real programs reach a VRF. The Linux TUN transport, which needs native calls, lives in
 * {@code io.mvpn.net.transport.tun}.
 */
@Export
@Version("0.1.0")
package io.mvpn.net.transport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
