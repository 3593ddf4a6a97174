/** The AODV route table (RFC 3561 §2, §6.1, §6.2): sequence numbers, precursors, lifetimes. */
@Export
@Version("0.1.0")
package io.mvpn.aodv.route;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
