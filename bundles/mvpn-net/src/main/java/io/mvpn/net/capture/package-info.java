/** Packet capture: pcapng files of raw IPv4 that Wireshark and tshark read. */
@Export
@Version("0.1.0")
package io.mvpn.net.capture;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
