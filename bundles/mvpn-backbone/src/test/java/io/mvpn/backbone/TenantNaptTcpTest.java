package io.mvpn.backbone;

import static io.mvpn.packet.tcp.TcpSegment.ACK;
import static io.mvpn.packet.tcp.TcpSegment.FIN;
import static io.mvpn.packet.tcp.TcpSegment.PSH;
import static io.mvpn.packet.tcp.TcpSegment.RST;
import static io.mvpn.packet.tcp.TcpSegment.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.napt.NaptInside;
import io.mvpn.api.napt.NaptMappingView;
import io.mvpn.napt.NaptTimeouts;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.InternetChecksum;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.tcp.TcpSegment;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * TCP through the backbone NAPT in virtual time (RFC 5382): acme's and globex's mobile nodes, both
 * 10.1.0.5, open connections from the same port to one server behind the backbone; each gets its
 * own public port and only its own replies; mappings live as long as their connection's state says.
 */
class TenantNaptTcpTest {

  static final Ipv4Address PUBLIC = Ipv4Address.parse("203.0.113.1");
  static final Ipv4Address SERVER = Ipv4Address.parse("198.51.100.80");
  static final Ipv4Address FIVE = Ipv4Address.parse("10.1.0.5");
  static final MvpnId ACME = MvpnId.of("acme");
  static final MvpnId GLOBEX = MvpnId.of("globex");
  static final int HTTP = 80;
  static final int PORT = 5000;

  final VirtualTimeScheduler time = new VirtualTimeScheduler();
  final Vrf backbone = vrf("backbone");
  final Vrf server = vrf("server");
  final Map<MvpnId, Vrf> mobileNodes = Map.of(ACME, vrf("acme-mn"), GLOBEX, vrf("globex-mn"));
  final Map<MvpnId, Vrf> tenantVrfs = Map.of(ACME, vrf("acme"), GLOBEX, vrf("globex"));

  /** What the server saw: "source:port flags seq". */
  final List<String> atServer = new ArrayList<>();

  /** What each mobile node saw: "tenant flags ack payload", or "tenant icmp 3/13". */
  final List<String> atMobileNodes = new ArrayList<>();

  /** False: the server takes segments in and answers nothing (a SYN stays half-open). */
  boolean serverAnswers = true;

  ApplianceNapt napt;

  Vrf vrf(String name) {
    return new Vrf(name, time, ByteBufAllocator.DEFAULT);
  }

  void build(int ports) {
    MemorySegment internet = new MemorySegment("internet", LinkProperties.IDEAL, 1);
    backbone.addInterface("up", Ipv4Address.parse("198.51.100.1"), 24, internet.newPort());
    server.addInterface("eth0", SERVER, 24, internet.newPort());
    server.addRoute(Prefix.DEFAULT_ROUTE, Ipv4Address.parse("198.51.100.1"), Route.Origin.STATIC);
    server.registerProtocol(IpProtocol.TCP, (v, in, ip) -> serve(ip));
    napt =
        new ApplianceNapt(
            backbone, PUBLIC, 40000, 40000 + ports - 1, NaptTimeouts.udp(Duration.ofMinutes(2)));
    for (MvpnId t : List.of(ACME, GLOBEX)) {
      MemorySegment lan = new MemorySegment(t + "-lan", LinkProperties.IDEAL, 2);
      Vrf tenant = tenantVrfs.get(t);
      tenant.addInterface("lan", Ipv4Address.parse("10.1.0.1"), 16, lan.newPort());
      napt.attach(t, tenant);
      Vrf mn = mobileNodes.get(t);
      mn.addInterface("eth0", FIVE, 16, lan.newPort());
      mn.addRoute(Prefix.DEFAULT_ROUTE, Ipv4Address.parse("10.1.0.1"), Route.Origin.STATIC);
      mn.registerProtocol(
          IpProtocol.TCP,
          (v, in, ip) -> {
            TcpSegment s = parse(ip);
            atMobileNodes.add(
                t
                    + " "
                    + s.flags()
                    + " "
                    + s.acknowledgmentNumber()
                    + " "
                    + s.payload().toString(StandardCharsets.US_ASCII));
          });
      mn.registerIcmp(
          IcmpType.DESTINATION_UNREACHABLE,
          (v, in, ip) -> {
            try {
              IcmpMessage m = IcmpMessage.parse(ip);
              String quoted = "";
              if (m.code() == IcmpType.UNREACHABLE_PORT) {
                // Who the quoted datagram says sent it, and whether every checksum holds.
                ByteBuf body = m.body();
                int ihl = (body.getUnsignedByte(0) & 0x0F) * 4;
                boolean sums =
                    InternetChecksum.verify(ip.buffer(), ip.payloadOffset(), m.length())
                        && InternetChecksum.verify(body, 0, ihl);
                quoted =
                    " from "
                        + Ipv4Address.of(body.getInt(12))
                        + ":"
                        + body.getUnsignedShort(ihl)
                        + (sums ? " ok" : " bad");
              }
              atMobileNodes.add(t + " icmp " + m.type() + "/" + m.code() + quoted);
            } catch (MalformedPacketException e) {
              throw new AssertionError(e);
            }
          });
    }
  }

  /** A toy server: a SYN gets a SYN-ACK, data gets "hello PORT" back, a FIN gets a FIN-ACK. */
  void serve(io.mvpn.packet.ipv4.Ipv4Packet ip) {
    TcpSegment s = parse(ip);
    atServer.add(
        ip.sourceAddress() + ":" + s.sourcePort() + " " + s.flags() + " " + s.sequenceNumber());
    if (!serverAnswers || s.isRst()) {
      return;
    }
    long ack = s.sequenceNumber() + s.payload().readableBytes() + (s.isSyn() || s.isFin() ? 1 : 0);
    int flags = s.isSyn() ? SYN | ACK : s.isFin() ? FIN | ACK : PSH | ACK;
    String body = s.payload().isReadable() ? "hello " + s.sourcePort() : "";
    server.send(segment(SERVER, HTTP, ip.source(), s.sourcePort(), 7000, ack, flags, body));
  }

  static TcpSegment parse(io.mvpn.packet.ipv4.Ipv4Packet ip) {
    try {
      return TcpSegment.parse(ip);
    } catch (MalformedPacketException e) {
      throw new AssertionError(e);
    }
  }

  static ByteBuf segment(
      Ipv4Address src, int sport, int dst, int dport, long seq, long ack, int flags, String body) {
    ByteBuf payload = Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII);
    ByteBuf out =
        TcpSegment.build(
            ByteBufAllocator.DEFAULT,
            Ipv4Builder.create(),
            src.toInt(),
            dst,
            sport,
            dport,
            seq,
            ack,
            flags,
            65535,
            payload);
    payload.release();
    return out;
  }

  void fromMobileNode(MvpnId tenant, long seq, int flags, String body) {
    mobileNodes.get(tenant).send(segment(FIVE, PORT, SERVER.toInt(), HTTP, seq, 0, flags, body));
  }

  void settle() {
    time.runUntil(time.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
  }

  void idle(Duration d) {
    time.runUntil(time.nanoTime() + d.toNanos());
  }

  /** acme's connection through its three-way handshake. */
  void establish(MvpnId tenant, long seq) {
    fromMobileNode(tenant, seq, SYN, "");
    settle();
    fromMobileNode(tenant, seq + 1, ACK, "");
    settle();
  }

  @Test
  void twoTenantsFromTheSameAddressAndPortGetTheirOwnPublicPortsAndOnlyTheirOwnReplies() {
    build(16);
    fromMobileNode(ACME, 1000, SYN, "");
    fromMobileNode(GLOBEX, 2000, SYN, "");
    settle();
    // Two connections at the server, from the public address, on two different ports.
    assertThat(atServer).hasSize(2).allMatch(s -> s.startsWith(PUBLIC + ":"));
    assertThat(atServer.stream().map(s -> s.split(" ")[0]).distinct()).hasSize(2);
    // Each node got the SYN-ACK acknowledging its own SYN, nobody else's.
    assertThat(atMobileNodes)
        .containsExactlyInAnyOrder(
            "acme " + (SYN | ACK) + " 1001 ", "globex " + (SYN | ACK) + " 2001 ");

    fromMobileNode(ACME, 1001, PSH | ACK, "GET /");
    fromMobileNode(GLOBEX, 2001, PSH | ACK, "GET /");
    settle();
    int acmePort = publicPort(ACME, IpProtocol.TCP);
    int globexPort = publicPort(GLOBEX, IpProtocol.TCP);
    assertThat(acmePort).isNotEqualTo(globexPort);
    assertThat(atMobileNodes)
        .contains(
            "acme " + (PSH | ACK) + " 1006 hello " + acmePort,
            "globex " + (PSH | ACK) + " 2006 hello " + globexPort);
    assertThat(napt.insideOf(IpProtocol.TCP, acmePort)).contains(new NaptInside(ACME, FIVE, PORT));
    assertThat(napt.insideOf(IpProtocol.TCP, globexPort))
        .contains(new NaptInside(GLOBEX, FIVE, PORT));
    assertThat(napt.mappings()).allMatch(m -> m.state().equals("established"));
    assertThat(napt.translated()).isEqualTo(8);
  }

  @Test
  void udpAndTcpOnTheSamePortAreTwoMappings() {
    build(16);
    ByteBuf q = Unpooled.copiedBuffer("q", StandardCharsets.US_ASCII);
    mobileNodes.get(ACME).sendUdp(FIVE, SERVER, PORT, 53, q);
    q.release();
    fromMobileNode(ACME, 1000, SYN, "");
    settle();
    assertThat(napt.mappings())
        .extracting(NaptMappingView::protocolName, NaptMappingView::publicPort)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("udp", 40000),
            org.assertj.core.groups.Tuple.tuple("tcp", 40000));
    assertThat(napt.insideOf(40000)).contains(new NaptInside(ACME, FIVE, PORT));
    assertThat(napt.insideOf(IpProtocol.TCP, 40000)).contains(new NaptInside(ACME, FIVE, PORT));
    // The UDP mapping goes after its 2 minutes; the TCP one (transitory) after 4.
    idle(Duration.ofMinutes(3));
    assertThat(napt.mappings()).extracting(NaptMappingView::protocolName).containsExactly("tcp");
  }

  @Test
  void aHalfOpenConnectionsMappingGoesAfterFourMinutes() {
    build(16);
    serverAnswers = false;
    fromMobileNode(ACME, 1000, SYN, "");
    settle();
    assertThat(napt.mappings()).singleElement().matches(m -> m.state().equals("transitory"));
    idle(Duration.ofMinutes(4).plusSeconds(1));
    assertThat(napt.mappings()).isEmpty();
    assertThat(napt.insideOf(IpProtocol.TCP, 40000)).isEmpty();
  }

  @Test
  void anEstablishedConnectionsMappingLivesTwoHoursAndFourMinutesIdle() {
    build(16);
    establish(ACME, 1000);
    assertThat(napt.mappings()).singleElement().matches(m -> m.state().equals("established"));
    idle(Duration.ofHours(2));
    assertThat(napt.mappings()).hasSize(1);
    // Traffic restarts the clock.
    fromMobileNode(ACME, 1001, PSH | ACK, "GET /");
    settle();
    idle(Duration.ofMinutes(124).minusSeconds(1));
    assertThat(napt.mappings()).hasSize(1);
    idle(Duration.ofSeconds(2));
    assertThat(napt.mappings()).isEmpty();
    // A reply now finds no mapping: dropped and counted, nothing reaches the node.
    long dropped = napt.dropped();
    int seen = atMobileNodes.size();
    server.send(segment(SERVER, HTTP, PUBLIC.toInt(), 40000, 9000, 1006, ACK, "late"));
    settle();
    assertThat(napt.dropped()).isEqualTo(dropped + 1);
    assertThat(atMobileNodes).hasSize(seen);
  }

  @Test
  void aClosedConnectionIsTransitoryAgain() {
    build(16);
    establish(ACME, 1000);
    fromMobileNode(ACME, 1001, FIN | ACK, "");
    settle();
    // FIN out and the server's FIN in: transitory, so 4 minutes.
    assertThat(napt.mappings()).singleElement().matches(m -> m.state().equals("transitory"));
    idle(Duration.ofMinutes(4).plusSeconds(1));
    assertThat(napt.mappings()).isEmpty();

    establish(GLOBEX, 2000);
    fromMobileNode(GLOBEX, 2001, RST, "");
    settle();
    assertThat(napt.mappings()).singleElement().matches(m -> m.state().equals("transitory"));
    // A new SYN from the same port reuses the mapping for a new connection.
    establish(GLOBEX, 3000);
    assertThat(napt.mappings()).singleElement().matches(m -> m.state().equals("established"));
  }

  @Test
  void aFullPoolRefusesANewConnectionWithAdminProhibited() {
    build(1);
    fromMobileNode(ACME, 1000, SYN, "");
    fromMobileNode(GLOBEX, 2000, SYN, "");
    settle();
    assertThat(napt.exhausted()).isEqualTo(1);
    assertThat(atServer).hasSize(1);
    assertThat(atMobileNodes)
        .containsExactlyInAnyOrder(
            "acme " + (SYN | ACK) + " 1001 ",
            "globex icmp "
                + IcmpType.DESTINATION_UNREACHABLE
                + "/"
                + IcmpType.UNREACHABLE_ADMIN_PROHIBITED);
    // acme gives up on its connection; once its mapping has gone, the port serves globex.
    fromMobileNode(ACME, 1001, RST, "");
    settle();
    idle(Duration.ofMinutes(5));
    fromMobileNode(GLOBEX, 2000, SYN, "");
    settle();
    assertThat(atMobileNodes).contains("globex " + (SYN | ACK) + " 2001 ");
  }

  @Test
  void unsolicitedAndStraySegmentsAreDroppedAndCounted() {
    build(16);
    // From outside, to a port nobody holds: no answer (RFC 5382 REQ-4), only a count.
    server.send(segment(SERVER, HTTP, PUBLIC.toInt(), 40007, 1, 0, SYN, ""));
    // From inside, a segment that opens nothing (no mapping yet): no mapping is made.
    fromMobileNode(ACME, 1000, ACK, "");
    settle();
    assertThat(napt.dropped()).isEqualTo(2);
    assertThat(napt.mappings()).isEmpty();
    assertThat(atServer).isEmpty();
    assertThat(atMobileNodes).isEmpty();
  }

  @Test
  void aCorruptedReplyIsCountedAsMalformed() {
    build(16);
    fromMobileNode(ACME, 1000, SYN, "");
    settle();
    ByteBuf bad = segment(SERVER, HTTP, PUBLIC.toInt(), 40000, 1, 1001, ACK, "data");
    bad.setByte(bad.writerIndex() - 1, 'X');
    server.send(bad);
    settle();
    assertThat(napt.manager.malformed()).isEqualTo(1);
    assertThat(atMobileNodes).containsExactly("acme " + (SYN | ACK) + " 1001 ");
  }

  int publicPort(MvpnId tenant, int protocol) {
    return napt.mappings().stream()
        .filter(m -> m.protocol() == protocol && m.inside().tenant().equals(tenant))
        .findFirst()
        .orElseThrow()
        .publicPort();
  }

  /** RFC 5508 §7: an ICMP error about a translated datagram reaches the node that sent it. */
  @Test
  void anIcmpErrorAboutATranslatedDatagramGoesBackToItsSenderOnly() {
    build(16);
    for (MvpnId t : List.of(ACME, GLOBEX)) {
      ByteBuf payload = Unpooled.copiedBuffer("anyone?", StandardCharsets.US_ASCII);
      mobileNodes.get(t).sendUdp(FIVE, SERVER, PORT, 9, payload); // nothing listens on 9
      payload.release();
    }
    settle();
    // Each node got the port unreachable quoting its own datagram, checksums intact.
    assertThat(atMobileNodes)
        .containsExactlyInAnyOrder(
            "acme icmp 3/3 from 10.1.0.5:" + PORT + " ok",
            "globex icmp 3/3 from 10.1.0.5:" + PORT + " ok");
    // An error quoting a public port no mapping holds goes nowhere.
    long dropped = napt.dropped();
    ByteBuf stray =
        io.mvpn.packet.udp.UdpDatagram.build(
            ByteBufAllocator.DEFAULT,
            PUBLIC.toInt(),
            SERVER.toInt(),
            45000,
            9,
            Unpooled.EMPTY_BUFFER,
            64);
    try {
      server.send(
          io.mvpn.packet.icmp.IcmpBuilder.destinationUnreachable(
              ByteBufAllocator.DEFAULT,
              SERVER.toInt(),
              IcmpType.UNREACHABLE_PORT,
              io.mvpn.packet.ipv4.Ipv4Packet.parse(stray),
              0));
    } catch (MalformedPacketException e) {
      throw new AssertionError(e);
    } finally {
      stray.release();
    }
    settle();
    assertThat(napt.dropped()).isEqualTo(dropped + 1);
    assertThat(atMobileNodes).hasSize(2);
  }

  /** RFC 5508 §3.1: echo requests are mapped by identifier, each reply goes back to its node. */
  @Test
  void pingsFromTwoTenantsWithOneIdentifierGetTheirOwnReplies() {
    build(16);
    for (MvpnId t : List.of(ACME, GLOBEX)) {
      Vrf mn = mobileNodes.get(t);
      mn.listenForEchoReplies(77, (v, reply) -> atMobileNodes.add(t + " echo " + reply.sequence()));
      ByteBuf payload = Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII);
      mn.ping(SERVER, 77, t.equals(ACME) ? 1 : 2, payload);
      payload.release();
    }
    settle();
    assertThat(atMobileNodes).containsExactlyInAnyOrder("acme echo 1", "globex echo 2");
    List<NaptMappingView> pings =
        napt.mappings().stream().filter(m -> m.protocolName().equals("icmp")).toList();
    assertThat(pings).hasSize(2);
    assertThat(pings.get(0).publicPort()).isNotEqualTo(pings.get(1).publicPort());
    // Query mappings go after a minute idle (REQ-1); a late reply then finds nobody.
    idle(NaptTimeouts.ICMP_QUERY.plusSeconds(1));
    assertThat(napt.mappings()).noneMatch(m -> m.protocolName().equals("icmp"));
  }
}
