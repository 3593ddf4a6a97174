/** Emulated radio meshes of mobility routers in virtual time, for scenario runs and benchmarks. */
@Export
@Version("0.1.0")
package io.mvpn.aodv.sim;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
