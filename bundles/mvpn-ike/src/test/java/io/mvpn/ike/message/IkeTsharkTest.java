package io.mvpn.ike.message;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.Tshark;
import io.mvpn.net.capture.PcapngWriter;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wireshark's ISAKMP dissector reads what the codec writes: an independent check of the header, the
 * payload chain and every payload layout.
 */
class IkeTsharkTest {

  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
  private static final int INITIATOR = Ipv4Address.parse("203.0.113.61").toInt();
  private static final int RESPONDER = Ipv4Address.parse("198.51.100.10").toInt();

  @TempDir Path tmp;

  private Path pcap;

  @BeforeEach
  void writeCapture() throws Exception {
    require(Tshark.installed(), "tshark is not installed (.ci/run installs it)");
    pcap = tmp.resolve("ike.pcapng");
    byte[] skBody = new byte[8 + 120 + 16];
    new Random(46).nextBytes(skBody);
    List<ByteBuf> datagrams = new ArrayList<>();
    datagrams.add(udp(INITIATOR, RESPONDER, IkeTestMessages.saInitRequest().encode(ALLOC)));
    datagrams.add(udp(RESPONDER, INITIATOR, IkeTestMessages.saInitResponse().encode(ALLOC)));
    datagrams.add(
        udp(
            INITIATOR,
            RESPONDER,
            IkeMessage.of(
                    IkeTestMessages.AUTH_HEADER,
                    new EncryptedPayload(IkePayload.IDI, Octets.of(skBody)))
                .encode(ALLOC)));
    datagrams.add(udp(INITIATOR, RESPONDER, IkeTestMessages.plainAuthRequest().encode(ALLOC)));
    try (var writer =
        new PcapngWriter(
            FileChannel.open(pcap, StandardOpenOption.CREATE, StandardOpenOption.WRITE), "ike")) {
      long t = 0;
      for (ByteBuf d : datagrams) {
        writer.write(t += 1_000_000, d);
        d.release();
      }
    }
  }

  private static ByteBuf udp(int source, int destination, ByteBuf ike) {
    try {
      return UdpDatagram.build(ALLOC, source, destination, 500, 500, ike, 64);
    } finally {
      ike.release();
    }
  }

  @Test
  void nothingIsMalformedOrWarnedAbout() throws Exception {
    assertThat(tshark("-Y", "_ws.malformed || _ws.expert.severity >= \"warning\"")).isEmpty();
  }

  @Test
  void exchangesAndPayloadChainsAreWhatWeWrote() throws Exception {
    List<String> rows =
        fields("", "isakmp.exchangetype", "isakmp.flags", "isakmp.length", "isakmp.typepayload");
    // Wireshark lists proposal (2) and transform (3) substructures among the payloads.
    assertThat(rows)
        .containsExactly(
            "34|0x08|268|33,2,3,3,3,2,3,3,3,34,40,41,41",
            "34|0x20|"
                + IkeTestMessages.saInitResponse().encodedLength()
                + "|33,2,3,3,3,34,40,41,41,38,41,41",
            "35|0x08|" + (28 + 4 + 144) + "|46",
            "35|0x08|"
                + IkeTestMessages.plainAuthRequest().encodedLength()
                + "|35,37,38,36,39,47,41,41,33,2,3,3,44,45,43,42,49,48");
  }

  @Test
  void saInitFieldsAreWhatWeWrote() throws Exception {
    List<String> rows =
        fields(
            "isakmp.exchangetype == 34",
            "isakmp.ispi",
            "isakmp.rspi",
            "isakmp.prop.number",
            "isakmp.tf.id.encr",
            "isakmp.ike2.attr.key_length",
            "isakmp.tf.id.prf",
            "isakmp.tf.id.dh",
            "isakmp.key_exchange.dh_group",
            "isakmp.notify.msgtype");
    assertThat(rows)
        .containsExactly(
            "0102030405060708|0000000000000000|1,2|20,20|256,256|5,5|19,31|19|16388,16389",
            "0102030405060708|1112131415161718|1|20|256|5|19|19|16388,16389,16430,16431");
  }

  @Test
  void skPayloadWithArbitraryBytesShowsAsEncrypted() throws Exception {
    assertThat(fields("isakmp.enc.data", "isakmp.exchangetype", "isakmp.nextpayload"))
        .containsExactly("35|46,35");
  }

  @Test
  void clearAuthPayloadsDissectField() throws Exception {
    List<String> rows =
        fields(
            "isakmp.exchangetype == 35 && !isakmp.enc.data",
            "isakmp.ts.start_ipv4",
            "isakmp.ts.end_ipv4",
            "isakmp.ts.start_port",
            "isakmp.cfg.attr.type",
            "isakmp.notify.msgtype",
            "isakmp.auth.data.sig.asn1.len",
            "x509sat.uTF8String");
    assertThat(rows)
        .containsExactly(
            "10.1.0.0,0.0.0.0|10.1.255.255,255.255.255.255|0,500,0|1,3,7|16396,16384|12"
                + "|mn1.example.net,mn1.example.net");
  }

  /** The values of these fields, one row per packet, '|' between fields, for packets matching. */
  private List<String> fields(String filter, String... fields) throws Exception {
    List<String> args = new ArrayList<>();
    if (!filter.isEmpty()) {
      args.addAll(List.of("-Y", filter));
    }
    args.addAll(List.of("-T", "fields", "-E", "separator=|"));
    for (String f : fields) {
      args.addAll(List.of("-e", f));
    }
    return tshark(args.toArray(String[]::new));
  }

  private List<String> tshark(String... args) throws Exception {
    return Tshark.run(pcap, args);
  }
}
