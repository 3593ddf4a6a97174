/**
 * The userspace IPv4 fabric: VRFs with their routing tables and host stacks, interfaces, and the
 * transport SPI that carries datagrams between them.
 */
@Export
@Version("0.1.0")
package io.mvpn.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
