/**
 * Mobile workgroups across tenants (seed 002 c1-13): members of different M-VPNs, whose private
 * realms may overlap, named by (tenant, private address) and reached through their security
 * gateways' public addresses; the store that keeps the workgroup gateways' SAs.
 */
@Export
@Version("0.2.0")
package io.mvpn.api.workgroup;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
