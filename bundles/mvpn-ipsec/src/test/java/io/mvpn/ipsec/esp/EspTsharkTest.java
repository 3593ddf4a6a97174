package io.mvpn.ipsec.esp;

import static io.mvpn.api.testing.Requirements.require;
import static io.mvpn.ipsec.esp.EspSecurityAssociationTest.ALLOC;
import static io.mvpn.ipsec.esp.EspSecurityAssociationTest.innerDatagram;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wireshark's ESP dissector, given the SA's key, decrypts what mvpn encrypted: an independent check
 * of the nonce, AAD, padding and trailer layout.
 */
class EspTsharkTest {

  private static final Path TSHARK = Path.of("/usr/bin/tshark");

  @TempDir Path tmp;

  @Test
  void tsharkDecryptsOurEspAndFindsTheInnerDatagram() throws Exception {
    require(Files.isExecutable(TSHARK), "tshark is not installed (.ci/run installs it)");
    EspSecurityAssociation out = EspSecurityAssociationTest.outbound(false);
    Path pcap = tmp.resolve("esp.pcapng");
    List<byte[]> inners = new ArrayList<>();
    try (var writer =
        new io.mvpn.net.capture.PcapngWriter(
            FileChannel.open(pcap, StandardOpenOption.CREATE, StandardOpenOption.WRITE), "esp")) {
      for (int size : new int[] {0, 33, 1000}) {
        ByteBuf inner = innerDatagram(size);
        inners.add(ByteBufUtil.getBytes(inner));
        writer.write(size * 1000L, out.encapsulate(ALLOC, Ipv4Packet.parse(inner), 64));
      }
    }
    String key = "0x" + HexFormat.of().formatHex(EspSecurityAssociationTest.KEY);
    String sa =
        "\"IPv4\",\"203.0.113.61\",\"198.51.100.10\",\"0x00001001\","
            + "\"AES-GCM with 16 octet ICV [RFC4106]\",\""
            + key
            + "\",\"NULL\",\"\"";
    List<String> rows =
        tshark(
            pcap,
            "-o",
            "esp.enable_encryption_decode:TRUE",
            "-o",
            "uat:esp_sa:" + sa,
            "-T",
            "fields",
            "-E",
            "separator=|",
            "-e",
            "esp.spi",
            "-e",
            "esp.sequence",
            "-e",
            "esp.pad_len",
            "-e",
            "esp.protocol",
            "-e",
            "udp.dstport",
            "-e",
            "ip.src");
    assertThat(rows)
        .containsExactly(
            // Inner datagrams of 28, 61 and 1028 bytes: 2, 1 and 2 pad bytes to a 4-byte end.
            "0x00001001|1|2|0x04|7|203.0.113.61,10.1.0.5",
            "0x00001001|2|1|0x04|7|203.0.113.61,10.1.0.5",
            "0x00001001|3|2|0x04|7|203.0.113.61,10.1.0.5");
    assertThat(
            tshark(
                pcap,
                "-o",
                "esp.enable_encryption_decode:TRUE",
                "-o",
                "uat:esp_sa:" + sa,
                "-Y",
                "_ws.malformed || _ws.expert.severity >= \"warning\""))
        .isEmpty();
  }

  private static List<String> tshark(Path pcap, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(TSHARK.toString(), "-n", "-r", pcap.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return out.lines().filter(l -> !l.isBlank()).toList();
  }
}
