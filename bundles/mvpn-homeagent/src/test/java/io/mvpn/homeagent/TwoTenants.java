package io.mvpn.homeagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.net.Vrf;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * acme and globex on the shared lab, both 10.1.0.0/16 with a host at home, each with its home agent
 * and a mobile node 10.1.0.5 that takes a co-located care-of address on the Internet.
 */
final class TwoTenants implements AutoCloseable {

  static final Ipv4Address ACME_HA = Ipv4Address.parse("198.51.100.10");
  static final Ipv4Address GLOBEX_HA = Ipv4Address.parse("198.51.100.20");
  static final Ipv4Address MN_HOME = MobilityLab.MN_HOME;
  static final long SPI = 1000;
  static final byte[] ACME_KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  static final byte[] GLOBEX_KEY = HexFormat.of().parseHex("ffeeddccbbaa99887766554433221100");

  final CountingBindingStore store = new CountingBindingStore();
  final MobilityLab lab =
      MobilityLab.builder(1)
          .bindingStore(store)
          .tenant("acme")
          .tenant("globex")
          .homeAgent(
              MobilityLab.homeAgentConfig(
                  "acme", ACME_HA, new AssociationSpec(MN_HOME, SPI, Algorithm.HMAC_MD5, ACME_KEY)))
          .homeAgent(
              MobilityLab.homeAgentConfig(
                  "globex",
                  GLOBEX_HA,
                  new AssociationSpec(MN_HOME, SPI, Algorithm.HMAC_MD5, GLOBEX_KEY)))
          .mobileNode("mn-acme")
          .colocated("colo", "203.0.113.51/24")
          .mobileNode("mn-globex")
          .colocated("colo", "203.0.113.52/24")
          .build();

  VirtualHomeAgent acme() {
    return lab.homeAgent("acme");
  }

  /** acme's mobile node, with its co-located care-of address. */
  TestMobileNode acmeNode() {
    return mobileNode("mn-acme", "203.0.113.51", ACME_HA, ACME_KEY);
  }

  /** globex's mobile node, also 10.1.0.5 at home. */
  TestMobileNode globexNode() {
    return mobileNode("mn-globex", "203.0.113.52", GLOBEX_HA, GLOBEX_KEY);
  }

  private TestMobileNode mobileNode(String node, String careOf, Ipv4Address ha, byte[] key) {
    return new TestMobileNode(
        vrf(node, "colo"),
        Ipv4Address.parse(careOf),
        ha,
        new MobilitySecurityAssociation(SPI, Algorithm.HMAC_MD5, key));
  }

  Vrf vrf(String node, String vrf) {
    return lab.vrf(node, vrf);
  }

  /** Runs two seconds of virtual time: every exchange of a test completes, no binding expires. */
  void run() {
    lab.advance(2, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    lab.close();
  }
}
