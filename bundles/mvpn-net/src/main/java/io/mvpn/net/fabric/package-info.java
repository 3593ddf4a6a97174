/**
 * The fabric as a service: the appliance's VRFs and interfaces as the fabric function (mvpn-fabric)
 * keeps them, for the functions that join them.
 */
@Export
@Version("0.1.0")
package io.mvpn.net.fabric;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
