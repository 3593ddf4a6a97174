/**
 * A Kerberos KDC per tenant realm inside the appliance (seed 000 c17: the key distribution center
 * that gives security association managers their session keys), answering MIT and any other RFC
 * 4120 client over TCP and UDP.
 */
@Export
@Version("0.1.0")
package io.mvpn.sam.kdc;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
