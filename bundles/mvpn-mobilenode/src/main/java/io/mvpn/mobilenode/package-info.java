/** The mobile node stack. */
@Export
@Version("0.1.0")
package io.mvpn.mobilenode;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
