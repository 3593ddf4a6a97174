/**
 * IKEv2 inside the appliance's fabric: engines on a VRF's UDP port 500, and the security gateway's
 * mobile tunnels made from the Child SAs they negotiate.
 */
@Export
@Version("0.1.0")
package io.mvpn.ike.fabric;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
