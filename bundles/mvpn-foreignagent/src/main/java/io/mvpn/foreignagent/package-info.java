/** The shared foreign agent. */
@Export
@Version("0.1.0")
package io.mvpn.foreignagent;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
