/**
 * IKEv2 keying of the workgroup SAs (seed 002 c7-c12): a party keys its unidirectional SA into
 * another tenant's realm with that realm's gateway, certificates naming the party's gateway.
 */
@Export
@Version("0.1.0")
package io.mvpn.workgroup.keying;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
