/**
 * The security gateway of a private network: ESP tunnels to roaming mobile nodes, with seed 001's
 * wildcard-source inbound SAs and the Security Information Update that re-points an outbound SA.
 */
@Export
@Version("0.2.0")
package io.mvpn.ipsec.gateway;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
