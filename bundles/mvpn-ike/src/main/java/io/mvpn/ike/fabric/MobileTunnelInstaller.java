package io.mvpn.ike.fabric;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ipsec.gateway.MobileTunnel;
import io.mvpn.ipsec.gateway.SecurityGateway;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Makes the security gateway's mobile tunnels from the Child SAs its IKE responder negotiates. The
 * node's home address is its virtual address from the configuration payload, or else the one
 * single-address traffic selector of the node's side other than the address it speaks IKE from (a
 * Mobile IP node protects its home address and its care-of address, seed 001); it must be the home
 * address the gateway holds for the node's authenticated identity, so no certified node can take
 * another's tunnel. The KEYMAT-derived ESP SAs go into the gateway's SAD and SPD as they are, so
 * the seed 001 security information update later repoints them like any other. A re-key keeps where
 * the tunnel sends now and accepts the old inbound SA until IKE deletes it; the tunnel goes with
 * its Child SA or its IKE SA. A Child SA that fails these checks is not installed, and counted.
 */
public final class MobileTunnelInstaller implements IkeEngine.Listener {

  private final SecurityGateway gateway;
  private final Function<Identity, Ipv4Address> homeOf;
  private final Map<ChildSa, Ipv4Address> installed = new HashMap<>();
  private long refused;

  /**
   * @param homeOf the home address a node of that identity may have, or null for none
   */
  public MobileTunnelInstaller(SecurityGateway gateway, Function<Identity, Ipv4Address> homeOf) {
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.homeOf = Objects.requireNonNull(homeOf, "homeOf");
  }

  /** Child SAs not installed: no single home address, or not the one the node's identity has. */
  public long refused() {
    return refused;
  }

  @Override
  public void established(IkeSa sa) {
    sa.childSas().forEach(child -> install(sa, child));
  }

  @Override
  public void childSaCreated(IkeSa sa, ChildSa child) {
    install(sa, child);
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
    Ipv4Address allowed = sa.remoteId() == null ? null : homeOf.apply(sa.remoteId());
    if (home == null || !home.equals(allowed)) {
      refused++;
      return;
    }
    // Seed 001's wildcard inbound SA: the node's ESP is taken from whatever care-of address it
    // moves to, before any update reaches the gateway; the SPI (ours) names the SA (RFC 4301 §4.1).
    child.inbound().repoint(null, child.inbound().tunnelDestination());
    // Behind a NAT, ESP goes in UDP between the ports IKE floated to (RFC 7296 §2.23).
    sa.udpEncapsulation()
        .ifPresent(u -> child.outbound().setUdpPorts(u.local().port(), u.remote().port()));
    MobileTunnel tunnel =
        new MobileTunnel(
            home, child.inbound(), child.outbound(), sa.udpEncapsulation().isPresent());
    // A re-key: another Child SA of this same IKE SA holds the node's tunnel now. A new IKE SA (a
    // fresh tunnel from wherever the node is) replaces it outright.
    boolean rekey =
        sa.childSas().stream().anyMatch(c -> c != child && home.equals(installed.get(c)));
    if (rekey && gateway.tunnel(home) != null) {
      gateway.rekeyTunnel(tunnel);
    } else {
      gateway.addTunnel(tunnel);
    }
    installed.put(child, home);
  }

  /** The node's tunnel goes with its current Child SA; an older one only stops being accepted. */
  private void uninstall(ChildSa child) {
    Ipv4Address home = installed.remove(child);
    if (home == null) {
      return;
    }
    MobileTunnel current = gateway.tunnel(home);
    if (current != null && current.inbound() == child.inbound()) {
      gateway.removeTunnel(home);
    } else {
      gateway.retireInbound(child.inbound());
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
