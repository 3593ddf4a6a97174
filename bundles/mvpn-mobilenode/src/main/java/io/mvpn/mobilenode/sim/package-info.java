/**
 * The node's subscriber identity module as a PKCS#11 token (seed 000 claim 7): its ESP SAs and its
 * layer-2 master key live there as sensitive, non-extractable objects and outlive the node.
 */
@Export
@Version("0.1.0")
package io.mvpn.mobilenode.sim;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
