package io.mvpn.mobilenode;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node whose applications live in a host's kernel (the mvpn-mn launcher) hands that host only
 * what the tunnel brings for its home address: anything else would be routed on by the host.
 */
class HostSideDeliveryTest {

  private static final Ipv4Address HA = Ipv4Address.parse("198.51.100.10");
  private static final Ipv4Address CARE_OF = Ipv4Address.parse("203.0.113.61");

  private final MobilityLab lab =
      MobilityLab.builder(11)
          .internet("2ms")
          .tenant("acme")
          .homeAgent(
              MobilityLab.homeAgentConfig(
                  "acme",
                  HA,
                  new AssociationSpec(
                      RoamingScenarioTest.MN_HOME,
                      1000,
                      Algorithm.HMAC_MD5,
                      RoamingScenarioTest.ACME_KEY)))
          .mobileNode("mn")
          .home("acme")
          .colocated("colo", CARE_OF + "/24")
          .build();
  private final List<Integer> atHost = new ArrayList<>();

  @AfterEach
  void close() {
    lab.close();
  }

  @Test
  void onlyDatagramsForTheHomeAddressReachTheHost() throws Exception {
    MobileNode mn = RoamingScenarioTest.acmeNode(HA, lab.time());
    mn.addColocated("colo", lab.vrf("mn", "colo"), lab.iface("mn", "colo"));
    Vrf host = new Vrf("host", lab.time(), ByteBufAllocator.DEFAULT);
    mn.deliverHomeDatagramsTo(
        host.addInterface(
            "tun0",
            Ipv4Address.parse("10.1.0.6"),
            30,
            new HostKernel(ip -> atHost.add(ip.identification()))));
    mn.moveTo("colo");
    lab.time().advance(5, TimeUnit.SECONDS);
    assertThat(mn.registeredUntilNanos()).isPositive();
    Interface colo = lab.iface("mn", "colo");

    colo.receive(tunnelled(RoamingScenarioTest.MN_HOME, 1));
    colo.receive(tunnelled(Ipv4Address.parse("10.1.0.99"), 2));
    colo.receive(tunnelled(Ipv4Address.parse("10.77.0.1"), 3));
    lab.time().advance(1, TimeUnit.SECONDS);

    assertThat(atHost).containsExactly(1);
    assertThat(mn.notForHome()).isEqualTo(2);
    assertThat(
            lab.vrf("mn", "colo")
                .getInterface("colo-tunnel")
                .counters()
                .dropped(DropReason.NO_ROUTE))
        .isEqualTo(2);
  }

  /** The home agent's IP-in-IP to the care-of address, around a UDP datagram with an ID. */
  private static ByteBuf tunnelled(Ipv4Address innerDestination, int id) throws Exception {
    ByteBuf inner =
        UdpDatagram.build(
            ByteBufAllocator.DEFAULT,
            Ipv4Builder.create().identification(id),
            RoamingScenarioTest.HOST.toInt(),
            innerDestination.toInt(),
            4000,
            9,
            Unpooled.wrappedBuffer(new byte[8]));
    ByteBuf outer =
        IpInIp.encapsulate(
            ByteBufAllocator.DEFAULT, HA.toInt(), CARE_OF.toInt(), Ipv4Packet.parse(inner), 64, id);
    inner.release();
    return outer;
  }
}
