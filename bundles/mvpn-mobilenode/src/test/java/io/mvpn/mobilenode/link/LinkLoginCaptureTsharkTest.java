package io.mvpn.mobilenode.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.mobilenode.MobileNode;
import io.mvpn.net.capture.Tshark;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layer-2-keyed login captured on the foreign agent's access link and read by tshark: the
 * advertisement's challenge (24), the request's MN-NAI (131), MN-FA Challenge (132) and MN-AAA
 * generalized authentication (36, 16-bit length) dissect with no malformed packet or warning.
 */
class LinkLoginCaptureTsharkTest {

  @TempDir Path tmp;

  @Test
  void tsharkReadsTheChallengeAndTheMnAaaLoginWithoutMalformedPackets() throws Exception {
    Path pcap = tmp.resolve("cell1.pcapng");
    try (LinkLoginLab lab = new LinkLoginLab()) {
      MobileNode mn = lab.node(LinkLoginLab.MASTER_KEY);
      lab.mobility.iface("fa1", "a0").startCapture(pcap, 0);
      mn.moveTo("cell1");
      lab.mobility.advance(3, TimeUnit.SECONDS);
      lab.mobility.iface("fa1", "a0").stopCapture();
      assertThat(mn.connected()).isTrue();
    }
    List<String[]> frames =
        Tshark.fields(
                pcap,
                List.of(),
                "mip.type",
                "mip.ext.type",
                "mip.nai",
                "icmp.mip.challenge",
                "_ws.malformed",
                "_ws.expert.severity")
            .lines()
            .map(line -> line.split("\\|", -1))
            .toList();
    assertThat(frames)
        .filteredOn(f -> f[0].equals("1"))
        .isNotEmpty()
        .allSatisfy(
            request -> {
              assertThat(request[1]).isEqualTo("32,131,132,36");
              assertThat(request[2]).isEqualTo(LinkLoginLab.NAI);
            });
    assertThat(frames).anyMatch(f -> f[3].length() == 32); // 16 bytes of challenge in hex
    // Notes (an advertisement's) are fine; warnings (0x600000) and errors are not.
    assertThat(frames).allSatisfy(f -> assertThat(f[4]).as("malformed").isEmpty());
    assertThat(frames)
        .allSatisfy(
            f -> assertThat(f[5].isEmpty() ? 0 : Integer.parseInt(f[5])).isLessThan(0x600000));
  }
}
