/**
 * ESP (RFC 4303) in tunnel mode with AES-GCM (RFC 4106): security associations and anti-replay; UDP
 * encapsulation and NAT keepalives (RFC 3948).
 */
@Export
@Version("0.2.0")
package io.mvpn.ipsec.esp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
