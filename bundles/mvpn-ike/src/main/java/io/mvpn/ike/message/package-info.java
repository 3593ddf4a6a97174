/** IKEv2 messages: the header and one class per payload (RFC 7296 §3). */
@Export
@Version("0.1.0")
package io.mvpn.ike.message;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
