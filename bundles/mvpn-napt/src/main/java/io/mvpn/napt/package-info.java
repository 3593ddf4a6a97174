/**
 * The NAPT engine keyed by tenant (seed 002 c19, c22): plain classes that translate IPv4 datagrams
 * in place, with no clock, links or components of their own. Exported for labs and tests that put a
 * node behind a NAT; functions use it only as {@code io.mvpn.api.napt.NaptService}.
 */
@Export
@Version("0.2.0")
package io.mvpn.napt;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
