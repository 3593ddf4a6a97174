/**
 * Diameter peers (RFC 6733 §5, RFC 3539): the per-peer state machine with election, capabilities
 * exchange, watchdog with failover and failback, disconnect, and the node that routes, relays,
 * detects duplicates and matches answers. Runs on one scheduler, virtual time in tests.
 */
@Export
@Version("0.2.0")
package io.mvpn.diameter.peer;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
