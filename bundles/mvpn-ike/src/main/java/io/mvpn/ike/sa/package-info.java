/**
 * IKEv2 SAs and their exchanges (RFC 7296 §1.2-§1.4, §2.1-§2.23): one task class per exchange
 * (IKE_SA_INIT, IKE_AUTH, INFORMATIONAL), the IKE SA state they share, and the engine that owns the
 * SAs, matches datagrams to them and retransmits on a {@link io.mvpn.api.time.Scheduler}.
 */
@Export
@Version("0.1.0")
package io.mvpn.ike.sa;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
