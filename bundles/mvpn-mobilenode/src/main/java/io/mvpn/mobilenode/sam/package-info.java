/**
 * A mobile node's traffic to its correspondents in ESP on the SAs its security association manager
 * hands out (seed 000 c1), keyed to the home address so they follow the node across moves.
 */
@Export
@Version("0.1.0")
package io.mvpn.mobilenode.sam;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
