/** A mobile node behind an IPsec VPN client: seed 001's fast IPsec/Mobile IP handover. */
@Export
@Version("0.1.0")
package io.mvpn.mobilenode.vpn;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
