/** AODV mobility routing (RFC 3561) with seed 002's handover, weighted ring search and refresh. */
@Export
@Version("0.2.0")
package io.mvpn.aodv;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
