/**
 * Security events: what the functions refused at their drop points (failed authentication, replays,
 * refused updates and key exchanges, malformed input), reported to one service that keeps the
 * recent ones and logs them at a bounded rate.
 */
@Export
@Version("0.1.0")
package io.mvpn.api.events;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
