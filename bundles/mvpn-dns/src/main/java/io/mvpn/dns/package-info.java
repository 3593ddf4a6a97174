/**
 * Workgroup DNS (seed 002 c5, c13): an authoritative zone whose answers depend on who asks, so a
 * member learns the names of exactly the members it may reach, and a UDP/TCP server for it.
 */
@Export
@Version("0.3.0")
package io.mvpn.dns;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
