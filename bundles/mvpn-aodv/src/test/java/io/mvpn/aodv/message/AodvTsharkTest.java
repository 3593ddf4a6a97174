package io.mvpn.aodv.message;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.capture.PcapngWriter;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wireshark's AODV dissector reads what mvpn writes: an independent check of the §5 layouts, the
 * flag bits and the Hello Interval extension.
 */
class AodvTsharkTest {

  private static final Path TSHARK = Path.of("/usr/bin/tshark");
  private static final Ipv4Address NEIGHBOUR = Ipv4Address.parse("10.0.0.7");

  @TempDir Path tmp;

  @Test
  void tsharkDissectsEveryMessageTypeAsWritten() throws Exception {
    require(Files.isExecutable(TSHARK), "tshark is not installed (.ci/run installs it)");
    Path pcap = tmp.resolve("aodv.pcapng");
    try (PcapngWriter writer = PcapngWriter.open(pcap, "aodv")) {
      long t = 1_000_000_000L;
      // Broadcast control messages go out with TTL 1 (§6.9, §6.11); RREQ with its ring TTL.
      write(writer, t, AodvSamples.RREQ, Ipv4Address.BROADCAST, 3);
      write(writer, t + 1, AodvSamples.RREP, NEIGHBOUR, 64);
      write(writer, t + 2, AodvSamples.HELLO, Ipv4Address.BROADCAST, 1);
      write(writer, t + 3, AodvSamples.RERR, Ipv4Address.BROADCAST, 1);
      write(writer, t + 4, RouteReplyAck.INSTANCE, NEIGHBOUR, 64);
    }
    assertThat(tshark(pcap, "-Y", "_ws.malformed || _ws.expert.severity >= \"warning\"")).isEmpty();
    List<String> rows =
        fields(
            pcap,
            "udp.dstport",
            "aodv.type",
            "aodv.flags",
            "aodv.prefix_sz",
            "aodv.hopcount",
            "aodv.rreq_id",
            "aodv.dest_ip",
            "aodv.dest_seqno",
            "aodv.orig_ip",
            "aodv.orig_seqno",
            "aodv.lifetime",
            "aodv.destcount",
            "aodv.unreach_dest_ip",
            "aodv.ext_type",
            "aodv.ext_length");
    assertThat(rows)
        .containsExactly(
            // RREQ: flags J|G|U (0xa8 in the high byte), hop 3, id 0x01020304.
            "654|1|43008||3|16909060|10.0.0.1|0|192.168.1.2|4294967294|||||",
            // RREP: A flag (0x40) with prefix size 5 in the low bits.
            "654|2|16389|5|2||10.1.2.3|7|10.9.8.7||6000||||",
            // Hello: about itself, hop 0, lifetime 2 x 1000 ms, one 4-byte extension of type 1.
            "654|2|0|0|0||10.0.0.9|42|10.0.0.9||2000|||1|4",
            // RERR: N flag, three destinations with their sequence numbers.
            "654|3|32768|||||5,4294967295,2147483648||||3|10.0.0.1,10.0.0.2,172.16.0.1||",
            "654|4|||||||||||||");
    // Wireshark 4.0 names extension type 2 "Hello Interval" (the type of an AODV draft), so it
    // does not decode the value of RFC 3561's type 1 (§9.1 and the IANA registry); check the bytes.
    assertThat(
            tshark(
                pcap,
                "-Y",
                "aodv.type == 2 && udp.payload[20:6] == 01:04:00:00:03:e8",
                "-T",
                "fields",
                "-e",
                "aodv.dest_ip"))
        .containsExactly("10.0.0.9");
  }

  @Test
  void tsharkReadsPkiHellosAndTheSinksSignedAnswerWithoutMalformed() throws Exception {
    require(Files.isExecutable(TSHARK), "tshark is not installed (.ci/run installs it)");
    java.time.Instant t0 = java.time.Instant.parse("2026-06-01T08:00:00Z");
    io.mvpn.ike.pki.CertificateAuthority ca =
        io.mvpn.ike.pki.CertificateAuthority.create(
            "acme MSM CA",
            io.mvpn.ike.pki.KeyType.EC_P256,
            t0,
            t0.plusSeconds(864_000),
            io.mvpn.ike.pki.CertificateStore.inMemory(),
            new java.security.SecureRandom(new byte[] {1}));
    io.mvpn.ike.pki.Credential node =
        ca.issue(
            io.mvpn.ike.pki.CertificateAuthority.Subject.node("alice.acme.example"),
            io.mvpn.ike.pki.KeyType.EC_P256,
            t0,
            t0.plusSeconds(86_400));
    RouteReply hello =
        io.mvpn.aodv.pki.PkiSigning.sign(
            AodvSamples.HELLO, PkiCertificate.of(node.certificate().getEncoded()), node, 1, 2);
    RouteReply byReference =
        io.mvpn.aodv.pki.PkiSigning.sign(
            AodvSamples.HELLO,
            PkiCertificate.reference(new byte[32], "alice.certs.acme.example."),
            node,
            3,
            4);
    Path pcap = tmp.resolve("pki.pcapng");
    try (PcapngWriter writer = PcapngWriter.open(pcap, "aodv")) {
      write(writer, 1_000_000_000L, hello, Ipv4Address.BROADCAST, 1);
      write(writer, 1_000_000_001L, byReference, Ipv4Address.BROADCAST, 1);
    }

    assertThat(tshark(pcap, "-Y", "_ws.malformed || _ws.expert.severity >= \"warning\"")).isEmpty();
    assertThat(fields(pcap, "aodv.type", "aodv.ext_type"))
        .containsExactly("2|1,232,232,233", "2|1,232,233");
  }

  private static void write(
      PcapngWriter writer, long time, AodvMessage message, Ipv4Address to, int ttl)
      throws Exception {
    ByteBuf payload = message.encode(AodvSamples.ALLOC);
    ByteBuf datagram =
        UdpDatagram.build(
            AodvSamples.ALLOC,
            AodvSamples.SELF.toInt(),
            to.toInt(),
            AodvMessages.UDP_PORT,
            AodvMessages.UDP_PORT,
            payload,
            ttl);
    try {
      writer.write(time, datagram);
    } finally {
      datagram.release();
      payload.release();
    }
  }

  /** Each packet's {@code names} fields, separated by "|". */
  private static List<String> fields(Path pcap, String... names) throws Exception {
    List<String> args = new ArrayList<>(List.of("-T", "fields", "-E", "separator=|"));
    for (String name : names) {
      args.add("-e");
      args.add(name);
    }
    return tshark(pcap, args.toArray(new String[0]));
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
