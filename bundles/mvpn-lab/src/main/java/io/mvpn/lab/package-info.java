/** Emulated networks built from the fabric, for tests, simulation and the demo. */
@Export
@Version("0.1.0")
package io.mvpn.lab;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
