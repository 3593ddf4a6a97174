/** IKEv2 (RFC 7296) with X.509 certificates and MOBIKE (RFC 4555). */
@Export
@Version("0.2.0")
package io.mvpn.ike;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
