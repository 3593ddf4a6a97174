/** Probes that measure what the fabric delivers: ICMP echo round-trip times and loss. */
@Export
@Version("0.1.0")
package io.mvpn.net.probe;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
