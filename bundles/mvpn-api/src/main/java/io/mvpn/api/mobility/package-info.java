/** Mobility state shared by functions: bindings and the store that outlives their code. */
@Export
@Version("0.2.0")
package io.mvpn.api.mobility;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
