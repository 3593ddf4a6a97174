/**
 * The public side of tunnels: endpoints the dispatcher hands registrations and tunnelled datagrams
 * to.
 */
@Export
@Version("0.1.0")
package io.mvpn.net.dispatch;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
