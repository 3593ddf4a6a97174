package io.mvpn.mobilenode.vpn;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.mobilenode.Tshark;
import io.mvpn.mobilenode.vpn.VpnMobileNode.Handover;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed 001 handover as tshark sees it on the gateway's outside link, given the downstream SA's
 * key: no malformed packet, and the registration replies the gateway forwards after each SIU travel
 * in that SA, first to the old care-of address, then to the new one.
 */
class IpsecHandoverCaptureTsharkTest {

  @TempDir Path tmp;

  @Test
  void repliesTravelInTheSameSaToEachCareOfAddress() throws Exception {
    Tshark.required();
    IpsecHandoverScenario s = new IpsecHandoverScenario(true);
    Path outside = tmp.resolve("gw-outside.pcapng");
    Path dmz = tmp.resolve("gw-dmz.pcapng");
    s.lab.iface("gw", "o0").startCapture(outside, 0);
    s.lab.iface("gw", "dmz").startCapture(dmz, 0);
    s.run(Handover.FAST);
    s.lab.iface("gw", "o0").stopCapture();
    s.lab.iface("gw", "dmz").stopCapture();

    String down =
        "\"IPv4\",\"203.0.113.1\",\"*\",\"0x00001001\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x"
            + HexFormat.of().formatHex(s.keys.get(0x1001))
            + "\",\"NULL\",\"\"";
    List<String> decode =
        List.of("-o", "esp.enable_encryption_decode:TRUE", "-o", "uat:esp_sa:" + down);
    List<String> replies = new ArrayList<>(decode);
    replies.addAll(
        List.of("-Y", "esp && mip.type == 3", "-T", "fields", "-e", "esp.spi", "-e", "ip.dst"));
    assertThat(Tshark.read(outside, replies))
        .containsExactly("0x00001001\t203.0.113.70,10.1.0.5", "0x00001001\t203.0.113.100,10.1.0.5");
    List<String> malformed = new ArrayList<>(decode);
    malformed.addAll(List.of("-Y", "_ws.malformed || _ws.expert.severity >= \"error\""));
    assertThat(Tshark.read(outside, malformed)).isEmpty();
    assertThat(Tshark.read(dmz, List.of("-Y", "_ws.malformed"))).isEmpty();
    // The DMZ carries the registration requests the gateway let out of the tunnel.
    assertThat(Tshark.read(dmz, List.of("-Y", "mip.type == 1 && ip.src == 10.1.0.5"))).hasSize(2);
  }
}
