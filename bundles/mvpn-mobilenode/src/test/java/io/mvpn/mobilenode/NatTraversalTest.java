package io.mvpn.mobilenode;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.mobility.Binding;
import io.mvpn.backbone.NaptGateway;
import io.mvpn.dispatcher.Dispatcher;
import io.mvpn.homeagent.HomeAgentConfig;
import io.mvpn.homeagent.VirtualHomeAgent;
import io.mvpn.lab.Lab;
import io.mvpn.lab.TopologyBuilder;
import io.mvpn.napt.NaptTimeouts;
import io.mvpn.napt.internal.NaptManager;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.store.InMemoryBindingStore;
import io.mvpn.store.InMemoryNaptMappingStore;
import java.time.Duration;
import java.util.List;
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
    Lab lab =
        Lab.virtual(
            new TopologyBuilder(5)
                .segment("internet", "2ms")
                .segment("acme-lan", "1ms")
                .segment("cafe-wifi", "3ms")
                .node("appliance")
                .vrf("public")
                .iface("pub0", "internet", "203.0.113.1/24")
                .vrf("acme")
                .iface("acme-lan", "acme-lan", "10.1.0.1/16")
                .node("acme-host")
                .vrf("main")
                .iface("eth0", "acme-lan", "10.1.0.100/16")
                .node("nat")
                .vrf("inside")
                .iface("lan", "cafe-wifi", "10.200.0.1/24")
                .vrf("outside")
                .iface("wan", "internet", "203.0.113.70/24")
                .route("198.51.100.0/24", "203.0.113.1")
                .node("mn")
                .vrf("home")
                .iface("h0", "acme-lan", "10.1.0.5/16")
                .vrf("cafe")
                .iface("w0", "cafe-wifi", "10.200.0.2/24")
                .route("198.51.100.0/24", "10.200.0.1")
                .build());
    // The café's NAT: the appliance's NAPT engine and gateway, with one realm inside.
    NaptManager napt =
        new NaptManager(
            new InMemoryNaptMappingStore(),
            Ipv4Address.parse("203.0.113.70"),
            40000,
            0xFFFF,
            NaptTimeouts.udp(Duration.ofMinutes(2)));
    NaptGateway nat = new NaptGateway(lab.vrf("nat", "outside"));
    nat.use(napt);
    nat.attach(MvpnId.of("cafe"), lab.vrf("nat", "inside"));
    InMemoryBindingStore store = new InMemoryBindingStore();
    Ipv4Address ha = Ipv4Address.parse("198.51.100.10");
    VirtualHomeAgent homeAgent =
        new VirtualHomeAgent(
            new HomeAgentConfig(
                MvpnId.of("acme"),
                ha,
                List.of(Prefix.parse("10.1.0.0/16")),
                List.of(
                    new io.mvpn.packet.mip.AssociationSpec(
                        RoamingScenarioTest.MN_HOME,
                        1000,
                        Algorithm.HMAC_MD5,
                        RoamingScenarioTest.ACME_KEY)),
                600,
                7,
                "acme-lan"),
            lab.vrf("appliance", "public"),
            lab.vrf("appliance", "acme"),
            store,
            0);
    homeAgent.start();
    Dispatcher dispatcher = new Dispatcher(lab.vrf("appliance", "public"));
    dispatcher.open();
    dispatcher.add(homeAgent);

    MobileNode mn =
        new MobileNode(
            RoamingScenarioTest.MN_HOME,
            ha,
            new MobilitySecurityAssociation(1000, Algorithm.HMAC_MD5, RoamingScenarioTest.ACME_KEY),
            600,
            lab.virtualTime(),
            0);
    mn.addHome("home", lab.vrf("mn", "home"), lab.iface("mn", "h0"));
    mn.addColocated("cafe", lab.vrf("mn", "cafe"), lab.iface("mn", "w0"), true);
    ContinuousPing ping =
        new ContinuousPing(mn, RoamingScenarioTest.HOST, 7, 1, TimeUnit.SECONDS, lab.virtualTime());
    mn.moveTo("cafe");
    ping.start();
    lab.virtualTime().advance(400, TimeUnit.SECONDS);
    ping.stop();
    lab.virtualTime().advance(5, TimeUnit.SECONDS);

    // The binding points at the NAT's public address and the port it mapped, in UDP.
    Binding b = store.bindings(MvpnId.of("acme"), RoamingScenarioTest.MN_HOME).get(0);
    assertThat(b.encapsulation()).isEqualTo(Binding.Encapsulation.UDP);
    assertThat(b.careOfAddress()).hasToString("203.0.113.70");
    assertThat(b.source()).hasToString("203.0.113.70");
    assertThat(b.sourcePort()).isEqualTo(40000);
    // One mapping all along: registrations, tunnel data and keepalives share it.
    assertThat(napt.mappings(lab.virtualTime().nanoTime())).hasSize(1);
    assertThat(ping.sent()).isGreaterThan(390);
    assertThat(ping.received()).isEqualTo(ping.sent());
    assertThat(lab.vrf("acme-host", "main").counters().delivered()).isEqualTo(ping.sent());
    lab.close();
  }
}
