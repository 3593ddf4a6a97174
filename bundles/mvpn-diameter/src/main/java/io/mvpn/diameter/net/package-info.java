/** Diameter over TCP with Netty: framing by the header's Length, one event loop per node. */
@Export
@Version("0.1.0")
package io.mvpn.diameter.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
