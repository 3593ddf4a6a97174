/** Longest-prefix-match routing tables. */
@Export
@Version("0.1.0")
package io.mvpn.net.route;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
