package io.mvpn.mobilenode.vpn;

import static io.mvpn.mobilenode.vpn.IpsecHandoverScenario.MOVE_AT;
import static io.mvpn.mobilenode.vpn.IpsecHandoverScenario.MS;
import static io.mvpn.mobilenode.vpn.IpsecHandoverScenario.PERIOD;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.ipsec.gateway.GatewayCounter;
import io.mvpn.mobilenode.vpn.IpsecHandoverScenario.Interruption;
import io.mvpn.mobilenode.vpn.IpsecHandoverScenario.Keying;
import io.mvpn.mobilenode.vpn.VpnMobileNode.Handover;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Seed 001's handover against a client that tears its tunnel down and sets up a new one, on the
 * same links (20 ms one-way each: node-access router, access router-gateway, gateway-home agent,
 * correspondent LAN). The report goes to target/ipsec-handover.txt and docs/benchmarks.md.
 */
class IpsecHandoverScenarioTest {

  /** One way node -> gateway: cell + Internet. Gateway -> home agent: the DMZ. */
  static final long NODE_GATEWAY_RTT = 2 * 40 * MS;

  static final long GATEWAY_HA_RTT = 2 * 20 * MS;

  /** When the first datagram after the link switch arrived. */
  static long firstAfter(java.util.Map<Integer, Long> received) {
    return received.values().stream().filter(t -> t > MOVE_AT).min(Long::compare).orElseThrow();
  }

  @Test
  void seedHandoverKeepsTheTunnelAndBeatsAFreshTunnel() throws IOException {
    IpsecHandoverScenario fast =
        new IpsecHandoverScenario(true, false, Keying.IKE).run(Handover.FAST);
    IpsecHandoverScenario slow =
        new IpsecHandoverScenario(false, false, Keying.IKE).run(Handover.REESTABLISH);

    Interruption fastDown = IpsecHandoverScenario.interruption(fast.downSent, fast.downReceived);
    Interruption fastUp = IpsecHandoverScenario.interruption(fast.upSent, fast.upReceived);
    Interruption slowDown = IpsecHandoverScenario.interruption(slow.downSent, slow.downReceived);
    Interruption slowUp = IpsecHandoverScenario.interruption(slow.upSent, slow.upReceived);
    String report =
        String.format(
            "| handover | downstream: switch to first datagram | downstream gap | lost down |"
                + " upstream gap | lost up |%n"
                + "|---|---:|---:|---:|---:|---:|%n"
                + "| seed 001 (SAs re-pointed, SIU) | %.0f ms | %.0f ms | %d | %.0f ms | %d |%n"
                + "| fresh tunnel (IKEv2 with certificates, then registration) | %.0f ms | %.0f ms |"
                + " %d | %.0f ms | %d |%n",
            (firstAfter(fast.downReceived) - MOVE_AT) / 1e6,
            fastDown.gapNanos() / 1e6,
            fastDown.lost(),
            fastUp.gapNanos() / 1e6,
            fastUp.lost(),
            (firstAfter(slow.downReceived) - MOVE_AT) / 1e6,
            slowDown.gapNanos() / 1e6,
            slowDown.lost(),
            slowUp.gapNanos() / 1e6,
            slowUp.lost());
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/ipsec-handover.txt"), report);

    // Everything streamed before and after; the node registered at both care-of addresses.
    assertThat(fast.node.registered()).isTrue();
    assertThat(slow.node.registered()).isTrue();
    assertThat(fast.gateway.counter(GatewayCounter.SIU_APPLIED)).isEqualTo(2); // start + move
    assertThat(slow.gateway.counter(GatewayCounter.SIU_APPLIED)).isZero();
    // The seed handover keeps the SAs IKE made at the first care-of address.
    var ikeSa = fast.nodeIke.engine(IpsecHandoverScenario.COA1).sas().iterator().next();
    assertThat(fast.node.inboundSa()).isSameAs(ikeSa.childSas().get(0).inbound());
    assertThat(fast.nodeIke.engine(IpsecHandoverScenario.COA2).sas()).isEmpty();
    assertThat(fast.gateway.tunnel(IpsecHandoverScenario.HOME).outbound().spi())
        .isEqualTo(ikeSa.childSas().get(0).inbound().spi());
    assertThat(fast.gateway.tunnel(IpsecHandoverScenario.HOME).careOfAddress())
        .isEqualTo(IpsecHandoverScenario.COA2);

    // Downstream: from the link switch to the first datagram at the new address, at most one
    // node-gateway and one gateway-HA round trip; arrivals are only seen on the 2 ms stream grid.
    long bound = NODE_GATEWAY_RTT + GATEWAY_HA_RTT + PERIOD;
    assertThat(firstAfter(fast.downReceived) - MOVE_AT).as(report).isLessThanOrEqualTo(bound);
    assertThat(fastDown.gapNanos()).as(report).isLessThanOrEqualTo(bound + PERIOD);
    // Upstream: the wildcard inbound SA takes the new address at once; only the switch costs.
    assertThat(fastUp.gapNanos()).as(report).isLessThanOrEqualTo(PERIOD);
    assertThat(fastUp.lost()).as(report).isZero();
    // Nothing the gateway sent after applying the SIU is lost: the correspondent's packets that
    // reach the gateway (40 ms later: LAN + DMZ) after the update all arrive.
    long applied = fast.siuApplied.get(1);
    fast.downSent.forEach(
        (seq, at) -> {
          if (at + 40 * MS > applied) {
            assertThat(fast.downReceived).as("down " + seq).containsKey(seq);
          }
        });
    // The fresh tunnel costs two more round trips upstream and downstream.
    assertThat(slowUp.gapNanos()).isGreaterThanOrEqualTo(2 * NODE_GATEWAY_RTT);
    assertThat(slowDown.gapNanos()).isGreaterThan(fastDown.gapNanos() + NODE_GATEWAY_RTT);
    assertThat(fastDown.lost()).isLessThan(slowDown.lost());
    assertThat(fast.node.events().stream().map(VpnMobileNode.Event::what))
        .contains("SAs re-pointed to 203.0.113.100")
        .noneMatch(w -> w.startsWith("no reply"));
  }

  /** The gateway lost the node's SAs (a restart): the fast path fails, a fresh tunnel follows. */
  @Test
  void unansweredRequestsAreRetriedThenAFreshTunnelIsSetUp() {
    IpsecHandoverScenario s = new IpsecHandoverScenario(true, false, Keying.IKE).startOnly();
    int first = s.node.inboundSa().spi();
    s.gateway.removeTunnel(IpsecHandoverScenario.HOME);
    s.time.schedule(
        MOVE_AT,
        java.util.concurrent.TimeUnit.NANOSECONDS,
        () -> s.node.moveTo("v2", Handover.FAST));
    s.time.runUntil(MOVE_AT + 12_000 * MS);
    assertThat(s.node.events().stream().map(VpnMobileNode.Event::what))
        .containsSubsequence(
            "SAs re-pointed to 203.0.113.100",
            "request 1 care-of 203.0.113.100",
            "request 2 care-of 203.0.113.100",
            "request 3 care-of 203.0.113.100",
            "no reply after 3 requests: fresh tunnel",
            "tunnel up",
            "registered lifetime 600");
    assertThat(s.node.registered()).isTrue();
    assertThat(s.gateway.counter(GatewayCounter.UNKNOWN_SPI)).isEqualTo(3);
    assertThat(s.gateway.tunnel(IpsecHandoverScenario.HOME).careOfAddress())
        .isEqualTo(IpsecHandoverScenario.COA2);
    assertThat(s.node.inboundSa().spi()).isNotEqualTo(first);
    // The fresh tunnel is a second IKE SA, from the new care-of address.
    assertThat(s.nodeIke.engine(IpsecHandoverScenario.COA2).sas()).hasSize(1);
  }

  /** RFC 3948: the same handover with ESP in UDP 4500, and keepalives while the node is idle. */
  @Test
  void espInUdpHandsOverAlikeAndKeepsTheNatMappingAlive() {
    IpsecHandoverScenario s =
        new IpsecHandoverScenario(true, true, Keying.MODEL).run(Handover.FAST);
    Interruption down = IpsecHandoverScenario.interruption(s.downSent, s.downReceived);
    Interruption up = IpsecHandoverScenario.interruption(s.upSent, s.upReceived);
    assertThat(s.node.registered()).isTrue();
    assertThat(firstAfter(s.downReceived) - MOVE_AT)
        .isLessThanOrEqualTo(NODE_GATEWAY_RTT + GATEWAY_HA_RTT + PERIOD);
    assertThat(up.lost()).isZero();
    assertThat(down.lost()).isPositive();
    assertThat(s.node.keepalivesSent()).as("none while traffic flows").isZero();
    // The key exchange hears of the move once, when the home agent has accepted it.
    assertThat(s.model.moved).containsExactly(IpsecHandoverScenario.COA2);
    // Idle from 5 s on: one keepalive every 20 s, taken and ignored by the gateway.
    s.time.runUntil(s.time.nanoTime() + 65_000 * MS);
    assertThat(s.node.keepalivesSent()).isEqualTo(3);
    assertThat(s.gateway.counter(GatewayCounter.KEEPALIVES_RECEIVED)).isEqualTo(3);
  }

  @Test
  void aFreshTunnelAfterAMoveTellsTheKeyExchangeNothingMore() {
    IpsecHandoverScenario s = new IpsecHandoverScenario(false).run(Handover.REESTABLISH);
    assertThat(s.node.registered()).isTrue();
    assertThat(s.model.moved).isEmpty();
  }

  /** A node that leaves asks for lifetime 0 through the tunnel and hears the home agent agree. */
  @Test
  void aLeavingNodeDeregistersThroughTheTunnel() {
    IpsecHandoverScenario s = new IpsecHandoverScenario(true, false, Keying.IKE).startOnly();
    assertThat(s.node.registered()).isTrue();
    long acceptedBefore = s.homeAgent.stats().accepted();
    s.node.deregister();
    s.time.runUntil(s.time.nanoTime() + 1000 * MS);
    assertThat(s.node.registered()).isFalse();
    assertThat(s.homeAgent.stats().accepted()).isEqualTo(acceptedBefore + 1);
    assertThat(s.node.events().stream().map(VpnMobileNode.Event::what))
        .endsWith("request 1 care-of 203.0.113.70", "deregistered");
  }
}
