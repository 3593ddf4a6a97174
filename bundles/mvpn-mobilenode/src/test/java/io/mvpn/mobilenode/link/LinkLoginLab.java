package io.mvpn.mobilenode.link;

import io.mvpn.api.Ipv4Address;
import io.mvpn.foreignagent.ForeignAgent;
import io.mvpn.foreignagent.LinkLogin;
import io.mvpn.foreignagent.link.AccessPoint;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.mobilenode.MobileNode;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;

/**
 * Acme's home agent, a foreign agent on cell1 whose access point knows one node's master key, and
 * that node (acme's 10.1.0.5) on the cell, holding its MN-HA key and a master key only.
 */
final class LinkLoginLab implements AutoCloseable {

  static final long MS = 1_000_000L;
  static final String NAI = "mn5@acme.example";
  static final Ipv4Address HA = Ipv4Address.parse("198.51.100.10");
  static final Ipv4Address FA = Ipv4Address.parse("203.0.113.11");
  static final byte[] MN_HA_KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  static final byte[] MASTER_KEY =
      HexFormat.of().parseHex("0f1e2d3c4b5a69788796a5b4c3d2e1f000112233445566778899aabbccddeeff");

  final MobilityLab mobility;
  final ForeignAgent agent;
  final AccessPoint accessPoint;
  final LinkLogin login;
  LinkSupplicant supplicant;

  LinkLoginLab() {
    mobility =
        MobilityLab.builder(3012)
            .internet("2ms")
            .tenant("acme")
            .homeAgent(
                MobilityLab.homeAgentConfig(
                    "acme",
                    HA,
                    new AssociationSpec(MobilityLab.MN_HOME, 1000, Algorithm.HMAC_MD5, MN_HA_KEY)))
            .foreignAgent("fa1", "cell1", new ForeignAgent.Config(FA, 600, 1000 * MS))
            .mobileNode("mn")
            .home("acme")
            .foreign("cell1")
            .build();
    agent = mobility.foreignAgent("fa1");
    accessPoint =
        new AccessPoint(
            new AccessPoint.Config(FA, Map.of(NAI, hmacKey(MASTER_KEY)), null, 3600),
            mobility.vrf("fa1", "access"),
            mobility.iface("fa1", "a0"));
    accessPoint.start();
    login = agent.requireLinkLogin(accessPoint);
  }

  static SecretKeySpec hmacKey(byte[] key) {
    return new SecretKeySpec(key, "HmacSHA256");
  }

  /** Acme's node on cell1 with its MN-HA key; with a master key it logs in with its link key. */
  MobileNode node(byte[] masterKey) {
    MobileNode mn =
        new MobileNode(
            MobilityLab.MN_HOME,
            HA,
            new MobilitySecurityAssociation(1000, Algorithm.HMAC_MD5, MN_HA_KEY),
            300,
            mobility.time(),
            0);
    mn.addForeign("cell1", mobility.vrf("mn", "cell1"), mobility.iface("mn", "cell1"));
    if (masterKey != null) {
      supplicant = new LinkSupplicant(NAI, hmacKey(masterKey), null, mobility.time());
      mn.logInWith(new LinkKeyLogin(supplicant));
    }
    return mn;
  }

  @Override
  public void close() {
    mobility.close();
  }
}
