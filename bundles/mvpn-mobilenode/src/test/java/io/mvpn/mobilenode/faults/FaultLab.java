package io.mvpn.mobilenode.faults;

import io.mvpn.api.Ipv4Address;
import io.mvpn.foreignagent.ForeignAgent;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.lab.Lab;
import io.mvpn.mobilenode.ContinuousPing;
import io.mvpn.mobilenode.MobileNode;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the fault tests break things, in virtual time: acme's home agent behind the appliance, one
 * foreign agent on {@code cell1} (advertising every second), and acme's node 10.1.0.5 that can be
 * at home, on {@code cell1} or on a co-located care-of address on the Internet, pinging its home
 * host every 10 ms. Internet links 2 ms, the cell 1 ms: a registration round trip through the
 * foreign agent takes 6 ms, directly 4 ms.
 */
final class FaultLab {

  static final long MS = 1_000_000L;
  static final Ipv4Address HA = Ipv4Address.parse("198.51.100.10");
  static final long ADVERTISEMENT_INTERVAL_NANOS = 1000 * MS;
  static final ForeignAgent.Config FA =
      new ForeignAgent.Config(Ipv4Address.parse("203.0.113.11"), 600, ADVERTISEMENT_INTERVAL_NANOS);
  static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

  final MobilityLab mobility;
  final Lab lab;
  final MobileNode node;
  final ContinuousPing ping;

  FaultLab(int lifetimeSeconds) {
    mobility =
        MobilityLab.acme(2026, HA, KEY)
            .foreignAgent("fa1", "cell1", FA)
            .mobileNode("mn")
            .home("acme")
            .foreign("cell1")
            .colocated("colo", "203.0.113.61/24")
            .build();
    lab = mobility.lab();
    node =
        new MobileNode(
            MobilityLab.MN_HOME,
            HA,
            new MobilitySecurityAssociation(1000, Algorithm.HMAC_MD5, KEY),
            lifetimeSeconds,
            lab.virtualTime(),
            0);
    node.addHome("home", lab.vrf("mn", "home"), lab.iface("mn", "home"));
    node.addForeign("cell1", lab.vrf("mn", "cell1"), lab.iface("mn", "cell1"));
    node.addColocated("colo", lab.vrf("mn", "colo"), lab.iface("mn", "colo"));
    ping = new ContinuousPing(node, MobilityLab.HOST, 1, 10, TimeUnit.MILLISECONDS, time());
  }

  VirtualTimeScheduler time() {
    return lab.virtualTime();
  }

  long now() {
    return time().nanoTime();
  }

  void advanceMillis(long millis) {
    time().advance(millis, TimeUnit.MILLISECONDS);
  }

  /** The node's events since {@code fromNanos}, each as milliseconds after it and what. */
  List<String> eventsSince(long fromNanos) {
    return node.events().stream()
        .filter(e -> e.atNanos() >= fromNanos)
        .map(e -> (e.atNanos() - fromNanos) / MS + " ms " + e.what())
        .toList();
  }

  /** A new foreign agent engine on fa1's links, with no state: what a crashed process restarts. */
  ForeignAgent freshForeignAgent() {
    return new ForeignAgent(
        FA, lab.vrf("fa1", "access"), lab.iface("fa1", "a0"), lab.vrf("fa1", "uplink"));
  }
}
