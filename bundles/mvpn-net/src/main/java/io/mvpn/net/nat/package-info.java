/** Address and port translation. */
@Export
@Version("0.1.0")
package io.mvpn.net.nat;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
