/**
 * The common backbone router (seed 002 c19-22): the links to the NAPT service, the MSM's address
 * and its DNS.
 */
@Export
@Version("0.1.0")
package io.mvpn.backbone;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
