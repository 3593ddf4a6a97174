/** IKE on the host's own UDP sockets (ports 500 and 4500, the non-ESP marker on 4500). */
@Export
@Version("0.1.0")
package io.mvpn.ike.host;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
