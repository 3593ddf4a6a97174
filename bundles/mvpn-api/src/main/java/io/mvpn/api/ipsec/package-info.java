/**
 * IPsec between functions: the ESP tunnels a security gateway runs and the store that keeps them,
 * installed by whatever keys them (IKE, or an SA manager later), and the Child SA events a key
 * exchange publishes. Plain values only, so a keying function never reaches the gateway's engine.
 */
@Export
@Version("0.5.0")
package io.mvpn.api.ipsec;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
