/**
 * The node's side of a security association manager (seed 000 c1): its SAD, asked first; a
 * SAM_REQUEST to its manager when that holds nothing for the peer; SAM_INSTALLs the manager sends
 * for pairs other nodes asked for.
 */
@Export
@Version("0.1.0")
package io.mvpn.sam.client;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
