/** Value types shared by every mvpn bundle: addresses, prefixes and tenant identifiers. */
@Export
@Version("0.1.0")
package io.mvpn.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
