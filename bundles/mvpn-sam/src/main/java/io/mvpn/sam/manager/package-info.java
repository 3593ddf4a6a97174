/**
 * Security association managers (seed 000 c6, c16-18): SA pairs between nodes, handed out from
 * store while valid, otherwise keyed from a Kerberos session key.
 */
@Export
@Version("0.2.0")
package io.mvpn.sam.manager;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
