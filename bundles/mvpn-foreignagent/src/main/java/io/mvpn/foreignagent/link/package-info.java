/**
 * The access point function of the foreign agent's access link: the association handshake with each
 * arriving node and the keys it establishes, published as a {@code LinkKeyService}.
 */
@Export
@Version("0.1.0")
package io.mvpn.foreignagent.link;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
