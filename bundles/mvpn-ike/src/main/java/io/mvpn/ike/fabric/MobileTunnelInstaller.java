package io.mvpn.ike.fabric;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.ChildSaEvent;
import io.mvpn.api.ipsec.EspTunnel;
import io.mvpn.api.ipsec.EspTunnelService;
import io.mvpn.api.ipsec.SaLifetime;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ipsec.esp.EspSuite;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Makes the security gateway's mobile tunnels from the Child SAs its IKE responder negotiates,
 * through the gateway's {@link EspTunnelService}: the keys cross as values and the gateway builds
 * and runs its own ESP SAs, the engine's copies never carrying traffic. The node's home address is
 * its virtual address from the configuration payload, or else the one single-address traffic
 * selector of the node's side other than the address it speaks IKE from (a Mobile IP node protects
 * its home address and its care-of address, seed 001); it must be the home address the gateway
 * holds for the node's authenticated identity, so no certified node can take another's tunnel. The
 * gateway's SAs from the KEYMAT go into its SAD and SPD like any other, so the seed 001 security
 * information update later repoints them. A re-key keeps where the tunnel sends now and accepts the
 * old inbound SA until IKE deletes it; the tunnel goes with its Child SA or its IKE SA. A Child SA
 * that fails these checks is not installed, and counted.
 */
public final class MobileTunnelInstaller extends ChildSaInstaller {

  private final EspTunnelService tunnels;
  private final Function<Identity, Ipv4Address> homeOf;
  private final Map<ChildSa, Ipv4Address> installed = new HashMap<>();
  private long refused;
  private Consumer<ChildSaEvent> listener = e -> {};

  /**
   * @param homeOf the home address a node of that identity may have, or null for none
   */
  public MobileTunnelInstaller(EspTunnelService tunnels, Function<Identity, Ipv4Address> homeOf) {
    this.tunnels = Objects.requireNonNull(tunnels, "tunnels");
    this.homeOf = Objects.requireNonNull(homeOf, "homeOf");
  }

  /** Told of each tunnel change after the gateway took it, on the engine's thread. */
  public void setListener(Consumer<ChildSaEvent> listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** Child SAs not installed: no single home address, or not the one the node's identity has. */
  public long refused() {
    return refused;
  }

  @Override
  void install(IkeSa sa, ChildSa child) {
    Ipv4Address home =
        sa.virtualAddress() != null
            ? sa.virtualAddress()
            : homeAddress(child.remoteSelectors(), sa.remote().address());
    Ipv4Address allowed = sa.remoteId() == null ? null : homeOf.apply(sa.remoteId());
    if (home == null || !home.equals(allowed)) {
      refused++;
      return;
    }
    EspTunnel tunnel = tunnel(home, sa, child);
    // A re-key: another Child SA of this same IKE SA holds the node's tunnel now. A new IKE SA (a
    // fresh tunnel from wherever the node is) replaces it outright.
    boolean rekey =
        sa.childSas().stream().anyMatch(c -> c != child && home.equals(installed.get(c)));
    if (rekey) {
      tunnels.rekey(tunnel);
    } else {
      tunnels.install(tunnel);
    }
    installed.put(child, home);
    tell(rekey ? ChildSaEvent.Type.REKEYED : ChildSaEvent.Type.CREATED, home, child);
  }

  /** The node's tunnel goes with its current Child SA; an older one only stops being accepted. */
  @Override
  void uninstall(ChildSa child) {
    Ipv4Address home = installed.remove(child);
    if (home == null) {
      return;
    }
    tunnels.remove(child.inbound().spi());
    tell(ChildSaEvent.Type.DELETED, home, child);
  }

  private void tell(ChildSaEvent.Type type, Ipv4Address home, ChildSa child) {
    listener.accept(
        new ChildSaEvent(
            type,
            tunnels.gateway(),
            home,
            child.outbound().tunnelDestination(),
            child.inbound().spi(),
            child.outbound().spi()));
  }

  /**
   * The node's tunnel as the gateway takes it. The gateway accepts the node's ESP from wherever it
   * moves (seed 001); behind a NAT, ESP goes in UDP between the ports IKE floated to (RFC 7296
   * §2.23).
   */
  private static EspTunnel tunnel(Ipv4Address home, IkeSa sa, ChildSa child) {
    // The keys with the suite IKE negotiated; the gateway runs whichever it is.
    return new EspTunnel(
        home,
        EspSuite.keys(child.inbound()),
        EspSuite.keys(child.outbound()),
        child.outbound().tunnelDestination(),
        sa.udpEncapsulation().map(u -> u.remote().port()).orElse(0),
        sa.udpEncapsulation().map(u -> u.local().port()).orElse(EspTunnel.NAT_T_PORT),
        child.inbound().replayWindow(),
        SaLifetime.UNLIMITED);
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
