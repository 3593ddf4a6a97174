/** Emulated links: the in-memory multi-access segment and its delay, jitter, loss, rate and MTU. */
@Export
@Version("0.1.0")
package io.mvpn.net.link;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
