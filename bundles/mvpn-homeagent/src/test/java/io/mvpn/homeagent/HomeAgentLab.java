package io.mvpn.homeagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.dispatcher.Dispatcher;
import io.mvpn.lab.Lab;
import io.mvpn.lab.Topology;
import io.mvpn.lab.TopologyBuilder;
import io.mvpn.net.Vrf;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import java.util.HexFormat;
import java.util.List;

/**
 * The appliance (public VRF and two tenant VRFs with the same 10.1.0.0/16), a host at home in each
 * tenant, and a visited network where mobile nodes take co-located care-of addresses.
 */
final class HomeAgentLab implements AutoCloseable {

  static final Ipv4Address ACME_HA = Ipv4Address.parse("198.51.100.10");
  static final Ipv4Address GLOBEX_HA = Ipv4Address.parse("198.51.100.20");
  static final Ipv4Address MN_HOME = Ipv4Address.parse("10.1.0.5");
  static final Ipv4Address HOME_HOST = Ipv4Address.parse("10.1.0.100");
  static final long SPI = 1000;
  static final byte[] ACME_KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  static final byte[] GLOBEX_KEY = HexFormat.of().parseHex("ffeeddccbbaa99887766554433221100");

  final Lab lab;
  final CountingBindingStore store = new CountingBindingStore();
  final Dispatcher dispatcher;
  VirtualHomeAgent acme;
  VirtualHomeAgent globex;

  HomeAgentLab() {
    Topology t =
        new TopologyBuilder(1)
            .segment("internet", "5ms")
            .segment("acme-lan", "1ms")
            .segment("globex-lan", "1ms")
            .node("appliance")
            .vrf("public")
            .iface("pub0", "internet", "203.0.113.1/24")
            .vrf("acme")
            .iface("acme-lan", "acme-lan", "10.1.0.1/16")
            .vrf("globex")
            .iface("globex-lan", "globex-lan", "10.1.0.1/16")
            .node("acme-host")
            .vrf("main")
            .iface("eth0", "acme-lan", "10.1.0.100/16")
            .node("globex-host")
            .vrf("main")
            .iface("eth0", "globex-lan", "10.1.0.100/16")
            .node("mn-acme")
            .vrf("main")
            .iface("wlan0", "internet", "203.0.113.51/24")
            .route("198.51.100.0/24", "203.0.113.1")
            .node("mn-globex")
            .vrf("main")
            .iface("wlan0", "internet", "203.0.113.52/24")
            .route("198.51.100.0/24", "203.0.113.1")
            .build();
    lab = Lab.virtual(t);
    dispatcher = new Dispatcher(lab.vrf("appliance", "public"));
    dispatcher.open();
    acme = homeAgent("acme", ACME_HA, ACME_KEY);
    globex = homeAgent("globex", GLOBEX_HA, GLOBEX_KEY);
  }

  VirtualHomeAgent homeAgent(String tenant, Ipv4Address address, byte[] key) {
    HomeAgentConfig config =
        new HomeAgentConfig(
            MvpnId.of(tenant),
            address,
            List.of(Prefix.parse("10.1.0.0/16")),
            List.of(new io.mvpn.packet.mip.AssociationSpec(MN_HOME, SPI, Algorithm.HMAC_MD5, key)),
            600,
            7,
            tenant + "-lan");
    VirtualHomeAgent ha =
        new VirtualHomeAgent(
            config, lab.vrf("appliance", "public"), lab.vrf("appliance", tenant), store, 0);
    ha.start();
    dispatcher.add(ha);
    return ha;
  }

  /** acme's mobile node, with a co-located care-of address on the visited network. */
  TestMobileNode acmeNode() {
    return mobileNode("mn-acme", "203.0.113.51", ACME_HA, ACME_KEY);
  }

  /** globex's mobile node, also 10.1.0.5 at home. */
  TestMobileNode globexNode() {
    return mobileNode("mn-globex", "203.0.113.52", GLOBEX_HA, GLOBEX_KEY);
  }

  private TestMobileNode mobileNode(String node, String careOf, Ipv4Address ha, byte[] key) {
    return new TestMobileNode(
        vrf(node, "main"),
        Ipv4Address.parse(careOf),
        ha,
        new io.mvpn.packet.mip.MobilitySecurityAssociation(SPI, Algorithm.HMAC_MD5, key));
  }

  Vrf vrf(String node, String vrf) {
    return lab.vrf(node, vrf);
  }

  /** Runs two seconds of virtual time: every exchange of a test completes, no binding expires. */
  void run() {
    lab.virtualTime().advance(2, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    lab.close();
  }
}
