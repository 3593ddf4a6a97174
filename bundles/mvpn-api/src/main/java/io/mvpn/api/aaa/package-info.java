/**
 * Central authentication of nodes entering an AODV site (seed 002 c40-56): what a sink asks and
 * what the node's home MSM answers, whether the two meet in one process or across Diameter.
 */
@Export
@Version("0.3.0")
package io.mvpn.api.aaa;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
