/**
 * IKEv2 SAs and their exchanges (RFC 7296 §1.2-§1.4, §2.1-§2.23), laid out as strongSwan's
 * libcharon: an {@link io.mvpn.ike.sa.IkeSaManager} per local endpoint owns the SAs and matches
 * every datagram to one; a {@code TaskManager} per SA queues its exchanges and retransmits on a
 * {@link io.mvpn.api.time.Scheduler}; one task class per exchange, one responder class per kind of
 * request; {@link io.mvpn.ike.sa.IkeEngine} is one peer configuration of a manager and the facade
 * the other bundles use.
 */
@Export
@Version("0.3.0")
package io.mvpn.ike.sa;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
