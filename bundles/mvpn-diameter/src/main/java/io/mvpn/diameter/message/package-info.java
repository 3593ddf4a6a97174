/**
 * Diameter wire format (RFC 6733 §3, §4): messages, AVPs, a dictionary of the base and NASREQ AVPs,
 * the base commands' grammar, and typed errors carrying the answer's Result-Code.
 */
@Export
@Version("0.1.0")
package io.mvpn.diameter.message;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
