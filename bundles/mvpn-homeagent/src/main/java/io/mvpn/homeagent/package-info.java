/** Virtual Mobile IPv4 home agents, one per tenant. */
@Export
@Version("0.1.0")
package io.mvpn.homeagent;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
