package io.mvpn.mobilenode;

import static io.mvpn.mobilenode.IpsecInsideTunnelScenario.COA2;
import static io.mvpn.mobilenode.IpsecInsideTunnelScenario.HOME;
import static io.mvpn.mobilenode.IpsecInsideTunnelScenario.HOST;
import static io.mvpn.mobilenode.IpsecInsideTunnelScenario.HOST_PORT;
import static io.mvpn.mobilenode.IpsecInsideTunnelScenario.NODE_PORT;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.Binding;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.ike.fabric.InnerEspRefusal;
import io.mvpn.ike.fabric.InnerTunnelRefusal;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.net.dispatch.InnerTunnelSecurity.Mode;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Fragmenter;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * IPsec inside the Mobile IP tunnel (seed 002 claim 24): IKEv2 between home address and home agent
 * through the tunnel, traffic both ways in the Child SA, a move that changes the tunnel and not the
 * SA, and the home agent's refusals: plain traffic under {@code required}, tampered and replayed
 * ESP.
 */
class IpsecInsideTunnelTest {

  private IpsecInsideTunnelScenario s;

  @AfterEach
  void close() {
    if (s != null) {
      s.close();
    }
  }

  @Test
  void theNodeKeysAnEspTunnelToItsHomeAgentThroughTheMobileIpTunnel() {
    s = new IpsecInsideTunnelScenario(Mode.REQUIRED).registerAndKey();

    assertThat(s.node.registeredUntilNanos()).isPositive();
    assertThat(s.nodeIpsec.established()).isTrue();
    ChildSa child = s.nodeIpsec.childSa();
    // The ESP tunnel's ends are the home address and the home agent, never a care-of address.
    assertThat(child.outbound().tunnelSource()).isEqualTo(HOME);
    assertThat(child.outbound().tunnelDestination()).isEqualTo(IpsecInsideTunnelScenario.HA);
    assertThat(s.homeAgentIpsec.outboundSa(HOME)).isNotNull();
    assertThat(s.homeAgentIpsec.outboundSa(HOME).spi()).isEqualTo(child.inbound().spi());
    assertThat(s.homeAgentIpsec.childSasRefused()).isZero();
  }

  @Test
  void udpAndPingCrossTheInnerTunnelBothWays() {
    s = new IpsecInsideTunnelScenario(Mode.REQUIRED).registerAndKey();

    s.sendUp("up 1");
    s.sendDown("down 1");
    s.ping(1);

    assertThat(s.atHost).containsExactly("up 1");
    assertThat(s.atNode).containsExactly("down 1", "echo reply 1");
    assertThat(s.homeAgentIpsec.esp().decrypted()).isEqualTo(2);
    assertThat(s.homeAgentIpsec.esp().encrypted()).isEqualTo(2);
    assertThat(s.nodeIpsec.esp().decrypted()).isEqualTo(2);
    assertThat(s.homeAgentIpsec.esp().refusals()).isEmpty();
  }

  @Test
  void trafficContinuesOnTheSameChildSaAfterAMove() {
    s = new IpsecInsideTunnelScenario(Mode.REQUIRED).registerAndKey();
    keepsTheChildSaThroughTheMoveTo(COA2);
  }

  @Test
  void trafficContinuesOnTheSameChildSaAfterAMoveToAnotherForeignAgent() {
    s =
        new IpsecInsideTunnelScenario(Mode.REQUIRED, true, IpsecInsideTunnelScenario.NODE_ID)
            .registerAndKey();
    assertThat(bindingCareOf()).isEqualTo(IpsecInsideTunnelScenario.FA1.toString());
    keepsTheChildSaThroughTheMoveTo(IpsecInsideTunnelScenario.FA2);
  }

  /** Traffic before and after the move, in the one Child SA, the binding at {@code careOf}. */
  private void keepsTheChildSaThroughTheMoveTo(Ipv4Address careOf) {
    s.sendUp("before");
    s.sendDown("before");
    ChildSa before = s.nodeIpsec.childSa();
    long sentBefore = before.outbound().sequence();

    s.move();
    s.sendUp("after");
    s.sendDown("after");
    s.ping(2);

    assertThat(bindingCareOf()).isEqualTo(careOf.toString());
    assertThat(s.nodeIpsec.childSa()).isSameAs(before);
    assertThat(before.outbound().sequence()).isGreaterThan(sentBefore);
    assertThat(s.homeAgentIpsec.outboundSa(HOME).spi()).isEqualTo(before.inbound().spi());
    assertThat(s.atHost).containsExactly("before", "after");
    assertThat(s.atNode).containsExactly("before", "after", "echo reply 2");
    assertThat(s.nodeIpsec.engine().sas()).hasSize(1);
  }

  @Test
  void trafficCrossesBothWaysAfterTheNodeReKeysItsIkeSa() {
    s = new IpsecInsideTunnelScenario(Mode.REQUIRED).registerAndKey();
    reKeysTheIkeSaThenCarriesTraffic(s.nodeIpsec.engine());
  }

  @Test
  void trafficCrossesBothWaysAfterTheHomeAgentReKeysItsIkeSa() {
    s = new IpsecInsideTunnelScenario(Mode.REQUIRED).registerAndKey();
    reKeysTheIkeSaThenCarriesTraffic(s.homeAgentIpsec.engine());
  }

  /**
   * {@code end} re-keys the IKE SA and the old one goes; the Child SA carries on under the
   * successor, and a Child SA re-keyed under the successor takes over sending at the node.
   */
  private void reKeysTheIkeSaThenCarriesTraffic(IkeEngine end) {
    IkeSa old = end.sas().iterator().next();
    end.rekeyIkeSa(old);
    s.lab.advance(3, TimeUnit.MINUTES);
    assertThat(s.nodeIpsec.engine().sas()).hasSize(1).doesNotContain(old);
    assertThat(s.nodeIpsec.established()).isTrue();
    s.sendUp("after the IKE re-key");
    s.sendDown("after the IKE re-key");

    IkeSa successor = s.nodeIpsec.engine().sas().iterator().next();
    ChildSa before = s.nodeIpsec.childSa();
    s.nodeIpsec.engine().rekeyChildSa(successor, before, 0);
    s.lab.advance(3, TimeUnit.SECONDS);
    s.sendUp("after the Child re-key");
    s.sendDown("after the Child re-key");

    assertThat(s.nodeIpsec.childSa()).isNotSameAs(before);
    assertThat(s.homeAgentIpsec.outboundSa(HOME).spi())
        .isEqualTo(s.nodeIpsec.childSa().inbound().spi());
    assertThat(s.atHost).containsExactly("after the IKE re-key", "after the Child re-key");
    assertThat(s.atNode).containsExactly("after the IKE re-key", "after the Child re-key");
    assertThat(s.nodeIpsec.sentWithoutSa()).isZero();
  }

  @Test
  void theOlderChildSaSendsAgainWhenTheNewestIsDeleted() {
    s = new IpsecInsideTunnelScenario(Mode.REQUIRED).registerAndKey();
    ChildSa older = s.nodeIpsec.childSa();
    IkeSa sa = s.nodeIpsec.engine().sas().iterator().next();
    List<TrafficSelector> home = List.of(TrafficSelector.ipv4(HOME, HOME));
    List<TrafficSelector> acme = List.of(TrafficSelector.ipv4(MobilityLab.REALM));
    s.nodeIpsec.engine().createChildSa(sa, home, acme, 0);
    s.lab.advance(3, TimeUnit.SECONDS);
    ChildSa newest = s.nodeIpsec.childSa();
    assertThat(newest).isNotSameAs(older);

    s.nodeIpsec.engine().deleteChildSa(sa, newest);
    s.lab.advance(3, TimeUnit.SECONDS);
    s.sendUp("in the older");
    s.sendDown("in the older");

    assertThat(s.nodeIpsec.childSa()).isSameAs(older);
    assertThat(s.homeAgentIpsec.outboundSa(HOME).spi()).isEqualTo(older.inbound().spi());
    assertThat(s.atHost).containsExactly("in the older");
    assertThat(s.atNode).containsExactly("in the older");
  }

  @Test
  void plainTrafficFromABoundNodeIsRefusedWhenIpsecIsRequired() {
    s = new IpsecInsideTunnelScenario(Mode.REQUIRED).registerAndKey();

    s.sendUpPlainly("in clear");

    assertThat(s.atHost).isEmpty();
    assertThat(s.homeAgentIpsec.plainRefusedFromNodes()).isEqualTo(1);
  }

  @Test
  void plainTrafficRefusedOutOfAUdpTunnelIsCountedAsRefusedNotTunnelled() {
    s =
        new IpsecInsideTunnelScenario(Mode.REQUIRED, false, IpsecInsideTunnelScenario.NODE_ID, true)
            .registerAndKey();
    s.sendUp("sealed");
    long accepted = s.lab.homeAgent("acme").stats().tunnelledAccepted();
    long refused = s.lab.homeAgent("acme").stats().tunnelledRefused();

    s.sendUpPlainly("in clear");

    assertThat(s.atHost).containsExactly("sealed");
    assertThat(s.homeAgentIpsec.plainRefusedFromNodes()).isEqualTo(1);
    assertThat(s.lab.homeAgent("acme").stats().tunnelledAccepted()).isEqualTo(accepted);
    assertThat(s.lab.homeAgent("acme").stats().tunnelledRefused()).isEqualTo(refused + 1);
  }

  @Test
  void aRestartedHomeAgentStillRefusesPlainTrafficAndCarriesEsp() {
    s = new IpsecInsideTunnelScenario(Mode.REQUIRED).registerAndKey();

    s.lab.homeAgent("acme").stop();
    s.lab.homeAgent("acme").start();
    s.sendUpPlainly("in clear");
    s.sendUp("sealed");
    s.sendDown("sealed");

    assertThat(s.homeAgentIpsec.plainRefusedFromNodes()).isEqualTo(1);
    assertThat(s.atHost).containsExactly("sealed");
    assertThat(s.atNode).containsExactly("sealed");
  }

  @Test
  void aFragmentedIkeDatagramToTheHomeAgentIsNotRefusedWhenIpsecIsRequired() throws Exception {
    s = new IpsecInsideTunnelScenario(Mode.REQUIRED).registerAndKey();
    ByteBuf ike =
        IpsecInsideTunnelScenario.udp(
            HOME, IpsecInsideTunnelScenario.HA, 500, 500, "x".repeat(1200));
    List<ByteBuf> fragments;
    try {
      fragments = Ipv4Fragmenter.fragment(ByteBufAllocator.DEFAULT, Ipv4Packet.parse(ike), 576);
    } finally {
      ike.release();
    }
    assertThat(fragments).hasSizeGreaterThan(1);

    fragments.forEach(s::sendFromHome);
    s.lab.advance(200, TimeUnit.MILLISECONDS);

    assertThat(s.homeAgentIpsec.plainRefusedFromNodes()).isZero();
  }

  @Test
  void plainTrafficForABoundNodeWithoutAnSaIsWithheldWhenIpsecIsRequired() {
    s = new IpsecInsideTunnelScenario(Mode.REQUIRED).register();
    long deliveredAtNode = s.lab.vrf("mn", s.first).counters().delivered();

    s.sendDown("in clear");

    assertThat(s.homeAgentIpsec.plainRefusedToNodes()).isEqualTo(1);
    assertThat(s.lab.vrf("mn", s.first).counters().delivered()).isEqualTo(deliveredAtNode);
  }

  @Test
  void aNodeWhoseIdentityHasAnotherHomeAddressGetsNoChildSa() {
    s =
        new IpsecInsideTunnelScenario(Mode.REQUIRED, false, Identity.fqdn("intruder.acme.example"))
            .registerAndKey();

    s.sendUp("from the intruder");

    assertThat(s.homeAgentIpsec.childSasRefused()).isEqualTo(1);
    assertThat(s.homeAgentIpsec.outboundSa(HOME)).isNull();
    // The home agent deleted the Child SA through IKE: the node knows it has none to send in.
    assertThat(s.nodeIpsec.established()).isFalse();
    assertThat(s.nodeIpsec.sentWithoutSa()).isEqualTo(1);
    assertThat(s.homeAgentIpsec.esp().refused(InnerEspRefusal.UNKNOWN_SPI)).isZero();
    assertThat(s.atHost).isEmpty();
  }

  @Test
  void plainTrafficStillPassesWhenIpsecIsOptional() {
    s = new IpsecInsideTunnelScenario(Mode.OPTIONAL).registerAndKey();

    s.sendUpPlainly("in clear");
    s.sendUp("sealed");

    assertThat(s.atHost).containsExactly("in clear", "sealed");
    assertThat(s.homeAgentIpsec.plainRefusedFromNodes()).isZero();
  }

  @Test
  void aTamperedOrReplayedEspDatagramIsRefusedAndCounted() throws Exception {
    s = new IpsecInsideTunnelScenario(Mode.REQUIRED).registerAndKey();
    ChildSa child = s.nodeIpsec.childSa();

    ByteBuf first = sealed(child, "first");
    ByteBuf replay = first.copy();
    ByteBuf tampered = sealed(child, "second");
    int last = tampered.writerIndex() - 1;
    tampered.setByte(last - 20, tampered.getByte(last - 20) ^ 0x01);
    for (ByteBuf esp : List.of(first, replay, tampered)) {
      s.sendFromHome(esp);
    }
    s.lab.advance(200, TimeUnit.MILLISECONDS);

    assertThat(s.atHost).containsExactly("first");
    assertThat(s.homeAgentIpsec.esp().refused(InnerEspRefusal.REPLAY)).isEqualTo(1);
    assertThat(s.homeAgentIpsec.esp().refused(InnerEspRefusal.ICV)).isEqualTo(1);
    // The SA goes on: the next genuine datagram is taken.
    s.sendUp("third");
    assertThat(s.atHost).containsExactly("first", "third");
  }

  /** {@code text} from the home address to acme's host, sealed in the node's outbound SA. */
  private static ByteBuf sealed(ChildSa child, String text) throws Exception {
    ByteBuf inner = IpsecInsideTunnelScenario.udp(HOME, HOST, NODE_PORT, HOST_PORT, text);
    try {
      return child.outbound().encapsulate(ByteBufAllocator.DEFAULT, Ipv4Packet.parse(inner), 64);
    } finally {
      inner.release();
    }
  }

  private String bindingCareOf() {
    return s.lab.store().bindings(MvpnId.of("acme")).stream()
        .filter(b -> b.homeAddress().equals(HOME))
        .map(Binding::careOfAddress)
        .findFirst()
        .orElseThrow()
        .toString();
  }

  /** Whenever the layer runs (required or optional), the site cannot speak for the home agent. */
  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"REQUIRED", "OPTIONAL"})
  void ikeAndEspSpoofedFromTheSiteAsTheHomeAgentAreRefusedAndCounted(Mode mode) {
    s = new IpsecInsideTunnelScenario(mode).registerAndKey();
    List<Ipv4Packet> fromTheHomeAgent = new ArrayList<>();
    s.lab
        .vrf("mn", s.first)
        .observeDeliveries(
            (v, in, p) -> {
              if (p.source() == IpsecInsideTunnelScenario.HA.toInt()) {
                fromTheHomeAgent.add(p);
              }
            });

    // A host on acme's network forges the home agent's address: IKE to the node's port 500 and
    // 4500, and an ESP-looking datagram.
    ByteBuf ike = Unpooled.wrappedBuffer(new byte[28]);
    s.host().sendUdp(IpsecInsideTunnelScenario.HA, HOME, 500, 500, ike);
    s.host().sendUdp(IpsecInsideTunnelScenario.HA, HOME, 4500, 4500, ike);
    ike.release();
    s.host().send(espFrom(IpsecInsideTunnelScenario.HA, HOME));
    s.lab.advance(200, TimeUnit.MILLISECONDS);

    assertThat(fromTheHomeAgent).isEmpty();
    assertThat(s.homeAgentIpsec.tunnelRefused(InnerTunnelRefusal.SPOOFED_FROM_SITE)).isEqualTo(3);
    assertThat(s.homeAgentIpsec.tunnelRefusals())
        .containsOnlyKeys(InnerTunnelRefusal.SPOOFED_FROM_SITE);
    // The home agent's own IKE still reaches the node, and the SA carries traffic on.
    s.homeAgentIpsec.engine().rekeyIkeSa(s.homeAgentIpsec.engine().sas().iterator().next());
    s.lab.advance(3, TimeUnit.SECONDS);
    s.sendDown("after the spoof");
    assertThat(fromTheHomeAgent).isNotEmpty();
    assertThat(s.nodeIpsec.established()).isTrue();
    assertThat(s.atNode).containsExactly("after the spoof");
  }

  /** A datagram of protocol 50 with an SPI and sequence number, as a forger would send. */
  private static ByteBuf espFrom(Ipv4Address source, Ipv4Address destination) {
    ByteBuf payload = Unpooled.buffer(24).writeInt(0x12345678).writeInt(1).writeZero(16);
    ByteBuf datagram =
        Ipv4Builder.create()
            .source(source)
            .destination(destination)
            .ttl(64)
            .protocol(IpProtocol.ESP)
            .build(ByteBufAllocator.DEFAULT, payload);
    payload.release();
    return datagram;
  }
}
