/** The workgroup DNS as a service: answers a query as the member who asks (seed 002 c5, c13). */
@Export
@Version("0.1.0")
package io.mvpn.api.dns;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
