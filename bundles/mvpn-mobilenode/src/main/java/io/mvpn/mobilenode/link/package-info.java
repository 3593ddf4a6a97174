/**
 * The node's side of the access link's association handshake and of the layer-3 login it keys (RFC
 * 4721 MN-AAA with the link key): seed 000 claims 5 and 12.
 */
@Export
@Version("0.1.0")
package io.mvpn.mobilenode.link;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
