/** AODV messages on UDP 654 (RFC 3561 §5) and their extensions: parsers and builders. */
@Export
@Version("0.1.0")
package io.mvpn.aodv.message;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
