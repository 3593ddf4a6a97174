/** Mobile workgroups across tenants: the realm-indexed workgroup filter (seed 002 c2, c6). */
@Export
@Version("0.1.0")
package io.mvpn.workgroup;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
