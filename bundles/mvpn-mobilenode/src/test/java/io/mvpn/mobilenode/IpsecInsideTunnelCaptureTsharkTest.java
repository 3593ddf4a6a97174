package io.mvpn.mobilenode;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.net.dispatch.InnerTunnelSecurity.Mode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claim 24's layering as tshark reads it on the appliance's public link, given the Child SA's keys:
 * IP in IP from each care-of address, ESP between home address and home agent inside it, the node's
 * UDP inside that, in the same SA before and after the move, and nothing malformed.
 */
class IpsecInsideTunnelCaptureTsharkTest {

  @TempDir Path tmp;

  @Test
  void tsharkDecodesIpInIpThenEspThenTheNodesDatagrams() throws Exception {
    Tshark.required();
    Path pcap = tmp.resolve("appliance-pub0.pcapng");
    try (IpsecInsideTunnelScenario s = new IpsecInsideTunnelScenario(Mode.REQUIRED)) {
      s.lab.iface("appliance", "pub0").startCapture(pcap, 0);
      s.registerAndKey();
      s.sendUp("up before");
      s.sendDown("down before");
      s.move();
      s.sendUp("up after");
      s.sendDown("down after");
      s.lab.iface("appliance", "pub0").stopCapture();
      ChildSa child = s.nodeIpsec.childSa();

      List<String> decode =
          List.of(
              "-o",
              "esp.enable_encryption_decode:TRUE",
              "-o",
              "uat:esp_sa:" + uat(child.outbound()),
              "-o",
              "uat:esp_sa:" + uat(child.inbound()));
      List<String> layers = new ArrayList<>(decode);
      layers.addAll(
          List.of(
              "-Y", "esp && udp.port == 7000", "-T", "fields", "-e", "ip.src", "-e", "esp.spi"));
      String up = String.format("0x%08x", child.outbound().spi());
      String down = String.format("0x%08x", child.inbound().spi());
      // ip.src lists the outer (care-of or home agent), the ESP (home or home agent), the inner.
      assertThat(Tshark.read(pcap, layers))
          .containsExactly(
              "203.0.113.61,10.1.0.5,10.1.0.5\t" + up,
              "198.51.100.10,198.51.100.10,10.1.0.100\t" + down,
              "203.0.113.62,10.1.0.5,10.1.0.5\t" + up,
              "198.51.100.10,198.51.100.10,10.1.0.100\t" + down);
      List<String> ike =
          List.of("-Y", "isakmp && ip.proto == 4", "-T", "fields", "-e", "isakmp.exchangetype");
      assertThat(Tshark.read(pcap, ike)).contains("34", "35");
      List<String> malformed = new ArrayList<>(decode);
      malformed.addAll(List.of("-Y", "_ws.malformed || _ws.expert.severity >= \"error\""));
      assertThat(Tshark.read(pcap, malformed)).isEmpty();
    }
  }

  /** One esp_sa UAT record: IPv4, any addresses, the SPI, AES-GCM-16 and the KEYMAT slice. */
  private static String uat(EspSecurityAssociation sa) {
    return String.format(
        "\"IPv4\",\"*\",\"*\",\"0x%08x\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x%s\",\"NULL\",\"\"",
        sa.spi(), HexFormat.of().formatHex(sa.keyMaterial()));
  }
}
