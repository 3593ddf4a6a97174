/** Schedulers: a Netty event loop in production, deterministic virtual time in tests. */
@Export
@Version("0.1.0")
package io.mvpn.net.time;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
