package io.mvpn.ike.fabric;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ipsec.gateway.MobileTunnel;
import io.mvpn.ipsec.gateway.SecurityGateway;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Makes the security gateway's mobile tunnels from the Child SAs its IKE responder negotiates: the
 * node's home address is its virtual address from the configuration payload, or else the one
 * single-address traffic selector of the node's side other than the address it speaks IKE from (a
 * Mobile IP node protects its home address and its care-of address, seed 001). The KEYMAT-derived
 * ESP SAs go into the gateway's SAD and SPD as they are, so the seed 001 security information
 * update later repoints them like any other; they leave with the Child SA or the IKE SA. A Child SA
 * with no single home address is not installed, and counted.
 */
public final class MobileTunnelInstaller implements IkeEngine.Listener {

  private final SecurityGateway gateway;
  private final Map<ChildSa, Ipv4Address> installed = new HashMap<>();
  private long unaddressed;

  public MobileTunnelInstaller(SecurityGateway gateway) {
    this.gateway = Objects.requireNonNull(gateway, "gateway");
  }

  /** Child SAs not installed because they named no single home address. */
  public long unaddressed() {
    return unaddressed;
  }

  @Override
  public void established(IkeSa sa) {
    sa.childSas().forEach(child -> install(sa, child));
  }

  @Override
  public void childSaCreated(IkeSa sa, ChildSa child) {
    install(sa, child); // a re-key: the new SAs replace the old ones for the same node
  }

  @Override
  public void childSaDeleted(IkeSa sa, ChildSa child) {
    uninstall(child);
  }

  @Override
  public void ended(IkeSa sa) {
    sa.childSas().forEach(this::uninstall);
  }

  private void install(IkeSa sa, ChildSa child) {
    Ipv4Address home =
        sa.virtualAddress() != null
            ? sa.virtualAddress()
            : homeAddress(child.remoteSelectors(), sa.remote().address());
    if (home == null) {
      unaddressed++;
      return;
    }
    // Seed 001's wildcard inbound SA: the node's ESP is taken from whatever care-of address it
    // moves to, before any update reaches the gateway; the SPI (ours) names the SA (RFC 4301 §4.1).
    child.inbound().repoint(null, child.inbound().tunnelDestination());
    // Behind a NAT, ESP goes in UDP between the ports IKE floated to (RFC 7296 §2.23).
    sa.udpEncapsulation()
        .ifPresent(u -> child.outbound().setUdpPorts(u.local().port(), u.remote().port()));
    gateway.addTunnel(
        new MobileTunnel(
            home, child.inbound(), child.outbound(), sa.udpEncapsulation().isPresent()));
    installed.put(child, home);
  }

  /** Removes the node's tunnel only if it is still this Child SA's (not a newer one's). */
  private void uninstall(ChildSa child) {
    Ipv4Address home = installed.remove(child);
    MobileTunnel current = home == null ? null : gateway.tunnel(home);
    if (current != null && current.inbound() == child.inbound()) {
      gateway.removeTunnel(home);
    }
  }

  private static Ipv4Address homeAddress(List<TrafficSelector> selectors, Ipv4Address ikePeer) {
    Ipv4Address home = null;
    for (TrafficSelector ts : selectors) {
      if (!ts.isIpv4() || !ts.startIpv4().equals(ts.endIpv4())) {
        return null; // a range: a network behind the peer, not a node
      }
      if (!ts.startIpv4().equals(ikePeer)) {
        if (home != null) {
          return null;
        }
        home = ts.startIpv4();
      }
    }
    return home;
  }
}
