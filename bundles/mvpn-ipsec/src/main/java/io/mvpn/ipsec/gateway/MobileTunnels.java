package io.mvpn.ipsec.gateway;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.ipsec.EspTunnel;
import io.mvpn.api.ipsec.SaLifetime;
import io.mvpn.api.time.Scheduler;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.ipsec.esp.EspSuite;
import io.mvpn.ipsec.esp.Lifetime;
import io.mvpn.ipsec.esp.SecurityPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway's own SAs built from tunnel values, and the values read back from its SAs: one place
 * for both, used when a key exchange installs a tunnel and when a new gateway instance restores it
 * from a store.
 */
final class MobileTunnels {

  private static final Logger LOG = LoggerFactory.getLogger(MobileTunnels.class);

  private MobileTunnels() {}

  /**
   * The gateway's SA pair: the inbound one with seed 001's wildcard source, so the node's ESP is
   * taken from wherever it moves before any update reaches us; the SPI names it (RFC 4301 §4.1).
   */
  static MobileTunnel build(EspTunnel t, Ipv4Address self, Scheduler scheduler, String gateway) {
    EspSecurityAssociation in =
        inbound(t.inbound(), t.replayWindow(), t.lifetime(), self, scheduler, gateway);
    EspSecurityAssociation out = EspSuite.sa(t.outbound(), Direction.OUTBOUND, self, t.peer(), 0);
    if (t.udpEncapsulated()) {
      // Behind a NAT, ESP goes in UDP between the ports the exchange floated to (RFC 7296 §2.23).
      out.setUdpPorts(t.localUdpPort(), t.peerUdpPort());
    }
    limit(out, t.lifetime(), scheduler, gateway);
    return new MobileTunnel(t.homeAddress(), in, out, t.udpEncapsulated());
  }

  /** An inbound SA of the gateway, accepting the node from any outer source. */
  static EspSecurityAssociation inbound(
      EspSaKeys keys,
      int replayWindow,
      SaLifetime lifetime,
      Ipv4Address self,
      Scheduler scheduler,
      String gateway) {
    EspSecurityAssociation in = EspSuite.sa(keys, Direction.INBOUND, null, self, replayWindow);
    limit(in, lifetime, scheduler, gateway);
    return in;
  }

  private static void limit(
      EspSecurityAssociation sa, SaLifetime lifetime, Scheduler scheduler, String gateway) {
    if (!lifetime.equals(SaLifetime.UNLIMITED)) {
      sa.setLifetime(
          lifetime(lifetime),
          scheduler::nanoTime,
          x -> LOG.info("{}: SA 0x{} asks for new keys", gateway, Integer.toHexString(x.spi())));
    }
  }

  /** The keys an SA runs on, as a value, with its suite. */
  static EspSaKeys keys(EspSecurityAssociation sa) {
    return EspSuite.keys(sa);
  }

  /** The tunnel a gateway runs now, as a value: where it sends now, with {@code lifetime}. */
  static EspTunnel value(MobileTunnel t, SaLifetime lifetime) {
    EspSecurityAssociation out = t.outbound();
    return new EspTunnel(
        t.homeAddress(),
        keys(t.inbound()),
        keys(out),
        out.tunnelDestination(),
        t.udpEncapsulated() ? out.udpDestinationPort() : 0,
        out.udpSourcePort(),
        t.inbound().replayWindow(),
        lifetime);
  }

  /** The outbound policy of a tunnel: whatever goes to {@code remote} goes through its SA. */
  static SecurityPolicy policyTo(Ipv4Address remote, MobileTunnel tunnel) {
    return new SecurityPolicy(
        new SecurityPolicy.Selector(
            SecurityPolicy.ANY_ADDRESS,
            SecurityPolicy.Range.of(remote),
            SecurityPolicy.ANY_PROTOCOL,
            SecurityPolicy.ANY_PORT,
            SecurityPolicy.ANY_PORT),
        SecurityPolicy.Action.PROTECT,
        tunnel.outbound());
  }

  static Lifetime lifetime(SaLifetime l) {
    return Lifetime.of(l);
  }

  static SaLifetime lifetime(Lifetime l) {
    return l.toSaLifetime();
  }
}
