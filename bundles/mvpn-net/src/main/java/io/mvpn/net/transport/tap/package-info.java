/**
 * The Ethernet TAP transport: an interface on a Linux TAP device, speaking Ethernet II and ARP (RFC
 * 826) itself, telling the link's stations apart by MAC address. The link-layer logic ({@link
 * io.mvpn.net.transport.tap.EthernetTransport}) runs on the VRF's scheduler and is tested in
 * virtual time; {@link io.mvpn.net.transport.tap.TapTransport} only adds the device and its reader.
 */
@Export
@Version("0.1.0")
package io.mvpn.net.transport.tap;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
