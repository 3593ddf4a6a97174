/** The Diameter node as a service other functions use (RFC 6733). */
@Export
@Version("0.1.0")
package io.mvpn.diameter;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
