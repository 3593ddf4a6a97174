/** The appliance demo. */
@Export
@Version("0.1.0")
package io.mvpn.demo;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
