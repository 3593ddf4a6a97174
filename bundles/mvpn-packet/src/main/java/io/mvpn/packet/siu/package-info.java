/**
 * The Security Information Update (SIU) of seed 001: how a home agent tells a security gateway that
 * a mobile node's care-of address moved, with the registration reply the gateway forwards.
 */
@Export
@Version("0.1.0")
package io.mvpn.packet.siu;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
