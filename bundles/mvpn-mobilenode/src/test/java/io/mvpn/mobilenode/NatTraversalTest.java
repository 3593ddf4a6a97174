package io.mvpn.mobilenode;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.Binding;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A mobile node with a co-located care-of address behind a NAT (RFC 3519): the home agent sees the
 * request come from the NAT's public address, not the care-of address, tunnels in UDP to the mapped
 * port, and the node's keepalives hold the mapping open.
 */
class NatTraversalTest {

  @Test
  void behindANatTheHomeAgentTunnelsInUdpToTheMappedPort() {
    Ipv4Address ha = Ipv4Address.parse("198.51.100.10");
    MobilityLab lab =
        MobilityLab.builder(5)
            .internet("2ms")
            .tenant("acme")
            .homeAgent(
                MobilityLab.homeAgentConfig(
                    "acme",
                    ha,
                    new AssociationSpec(
                        RoamingScenarioTest.MN_HOME,
                        1000,
                        Algorithm.HMAC_MD5,
                        RoamingScenarioTest.ACME_KEY)))
            // The café's NAT: the appliance's NAPT engine and gateway, with one realm inside.
            .nat("nat", "203.0.113.70", "cafe-wifi", "3ms")
            .mobileNode("mn")
            .home("acme")
            .behindNat("cafe", "nat", "10.200.0.2")
            .build();

    MobileNode mn = RoamingScenarioTest.acmeNode(ha, lab.time());
    mn.addHome("home", lab.vrf("mn", "home"), lab.iface("mn", "home"));
    mn.addColocated("cafe", lab.vrf("mn", "cafe"), lab.iface("mn", "cafe"), true);
    ContinuousPing ping =
        new ContinuousPing(mn, RoamingScenarioTest.HOST, 7, 1, TimeUnit.SECONDS, lab.time());
    mn.moveTo("cafe");
    ping.start();
    lab.time().advance(400, TimeUnit.SECONDS);
    ping.stop();
    lab.time().advance(5, TimeUnit.SECONDS);

    // The binding points at the NAT's public address and the port it mapped, in UDP.
    Binding b = lab.store().bindings(MvpnId.of("acme"), RoamingScenarioTest.MN_HOME).get(0);
    assertThat(b.encapsulation()).isEqualTo(Binding.Encapsulation.UDP);
    assertThat(b.careOfAddress()).hasToString("203.0.113.70");
    assertThat(b.source()).hasToString("203.0.113.70");
    assertThat(b.sourcePort()).isEqualTo(40000);
    // One mapping all along: registrations, tunnel data and keepalives share it.
    assertThat(lab.napt("nat").mappings(lab.time().nanoTime())).hasSize(1);
    assertThat(ping.sent()).isGreaterThan(390);
    assertThat(ping.received()).isEqualTo(ping.sent());
    assertThat(lab.vrf("acme-host", "main").counters().delivered()).isEqualTo(ping.sent());
    lab.close();
  }
}
