package io.mvpn.lab;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Vrf;
import io.mvpn.net.probe.PingProbe;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lab run captured on r2 and read back by tshark (Wireshark's dissectors, an independent
 * implementation): no malformed packet, good checksums, and the fields that were sent.
 */
class CaptureTsharkTest {

  private static final Path TSHARK = Path.of("/usr/bin/tshark");

  @TempDir Path tmp;

  @Test
  void tsharkDecodesWhatTheLabSentWithoutMalformedPackets() throws Exception {
    require(Files.isExecutable(TSHARK), "tshark is not installed (.ci/run installs it)");
    Path pcap = tmp.resolve("r2-a12.pcapng");
    try (Lab lab = Lab.virtual(ThreeRouterLabTest.threeRouters())) {
      Vrf r3 = lab.vrf("r3", "acme");
      r3.bindUdp(
          7,
          (v, in, udp) ->
              v.sendUdp(
                  udp.ip().destinationAddress(),
                  udp.ip().sourceAddress(),
                  7,
                  udp.sourcePort(),
                  udp.payload()));
      List<String> echoed = new ArrayList<>();
      lab.vrf("r1", "acme")
          .bindUdp(
              40000, (v, in, udp) -> echoed.add(udp.payload().toString(StandardCharsets.US_ASCII)));
      lab.iface("r2", "a12").startCapture(pcap, 0);

      PingProbe.start(
          lab.vrf("r1", "acme"),
          Ipv4Address.parse("10.1.23.3"),
          0x1234,
          2,
          100,
          500,
          TimeUnit.MILLISECONDS,
          32);
      lab.virtualTime().runUntilIdle();
      lab.vrf("r1", "acme")
          .sendUdp(
              null,
              Ipv4Address.parse("10.1.23.3"),
              40000,
              7,
              Unpooled.copiedBuffer("echo me", StandardCharsets.US_ASCII));
      lab.virtualTime().runUntilIdle();
      assertThat(echoed).containsExactly("echo me");
      assertThat(lab.iface("r2", "a12").stopCapture()).isEqualTo(6);
    }

    List<String> rows =
        tshark(
            pcap,
            "-o",
            "ip.check_checksum:TRUE",
            "-o",
            "udp.check_checksum:TRUE",
            "-T",
            "fields",
            "-E",
            "separator=|",
            "-e",
            "ip.src",
            "-e",
            "ip.dst",
            "-e",
            "ip.ttl",
            "-e",
            "ip.checksum.status",
            "-e",
            "icmp.type",
            "-e",
            "icmp.ident",
            "-e",
            "icmp.seq",
            "-e",
            "icmp.checksum.status",
            "-e",
            "udp.srcport",
            "-e",
            "udp.dstport",
            "-e",
            "udp.checksum.status");
    // Checksum status 1 is "Good": tshark recomputed and verified every checksum.
    assertThat(rows)
        .containsExactly(
            "10.1.12.1|10.1.23.3|64|1|8|4660|0|1|||",
            "10.1.23.3|10.1.12.1|63|1|0|4660|0|1|||",
            "10.1.12.1|10.1.23.3|64|1|8|4660|1|1|||",
            "10.1.23.3|10.1.12.1|63|1|0|4660|1|1|||",
            "10.1.12.1|10.1.23.3|64|1|||||40000|7|1",
            "10.1.23.3|10.1.12.1|63|1|||||7|40000|1");
    // "echo me" both ways (port 7 is the echo protocol to tshark, so read the raw payload).
    assertThat(tshark(pcap, "-Y", "udp", "-T", "fields", "-e", "udp.payload"))
        .containsExactly("6563686f206d65", "6563686f206d65");
    assertThat(tshark(pcap, "-Y", "_ws.malformed || _ws.expert.severity >= \"warning\"")).isEmpty();
  }

  private static List<String> tshark(Path pcap, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(TSHARK.toString(), "-n", "-r", pcap.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("tshark finished").isTrue();
    assertThat(p.exitValue()).as("tshark exit status").isZero();
    return out.lines().filter(l -> !l.isBlank()).toList();
  }
}
