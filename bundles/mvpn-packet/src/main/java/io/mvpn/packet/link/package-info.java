/**
 * The access link's association handshake (docs/protocols.md): a four-way exchange, modelled on
 * IEEE 802.11's, that derives a pairwise key from a node's master key and two nonces. Frames and
 * key derivation only; the engines live with the access point (foreign agent) and the node.
 */
@Export
@Version("0.1.0")
package io.mvpn.packet.link;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
