/** IP in IP encapsulation (RFC 2003). */
@Export
@Version("0.1.0")
package io.mvpn.packet.ipip;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
