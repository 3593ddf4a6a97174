/**
 * DHCP messages (RFC 2131, options of RFC 2132 and RFC 3442) and seed 002's DHCP hello option: a
 * node that speaks only DHCP enters an AODV site with a DHCP request carrying its address and an
 * authenticator (c58-59), which the sink checks with the node's home MSM.
 */
@Export
@Version("0.1.0")
package io.mvpn.aodv.dhcp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
