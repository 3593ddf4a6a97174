/**
 * Mobility state shared by functions and the stores that outlive their code: bindings of home
 * agents, visitors of foreign agents, the counters an operator reads.
 */
@Export
@Version("0.4.0")
package io.mvpn.api.mobility;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
