/**
 * Layer-2 keys handed up to layer 3: the pairwise key an access link's association handshake
 * established for a node, which the node's login at layer 3 (RFC 4721 MN-AAA authentication at the
 * foreign agent) is checked against.
 */
@Export
@Version("0.1.0")
package io.mvpn.api.link;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
