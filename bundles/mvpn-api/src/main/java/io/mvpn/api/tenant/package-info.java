/** Tenants (M-VPNs): each one a company with its own, possibly overlapping, address realm. */
@Export
@Version("0.1.0")
package io.mvpn.api.tenant;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
