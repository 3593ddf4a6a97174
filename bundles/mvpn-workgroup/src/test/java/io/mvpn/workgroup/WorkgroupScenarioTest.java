package io.mvpn.workgroup;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.dns.WorkgroupZone;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.lab.Lab;
import io.mvpn.lab.TopologyBuilder;
import io.mvpn.net.Vrf;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Seed 002's mobile workgroup in virtual time: acme and globex both on 10.1.0.0/16, initech on
 * 10.9.0.0/16, one workgroup holding acme's 10.1.0.5, globex's 10.1.0.5 and initech's 10.9.0.9.
 * Each party sends through its own unidirectional SA to the peer's gateway, its gateway wraps it in
 * IP-IP, and the peer's gateway admits it only through the realm-indexed filter.
 */
class WorkgroupScenarioTest {

  static final MvpnId ACME = MvpnId.of("acme");
  static final MvpnId GLOBEX = MvpnId.of("globex");
  static final MvpnId INITECH = MvpnId.of("initech");
  static final Ipv4Address ACME_GW = Ipv4Address.parse("198.51.100.10");
  static final Ipv4Address GLOBEX_GW = Ipv4Address.parse("198.51.100.20");
  static final Ipv4Address INITECH_GW = Ipv4Address.parse("198.51.100.30");
  static final MemberId A5 = new MemberId(ACME, Ipv4Address.parse("10.1.0.5"));
  static final MemberId A6 = new MemberId(ACME, Ipv4Address.parse("10.1.0.6"));
  static final MemberId G5 = new MemberId(GLOBEX, Ipv4Address.parse("10.1.0.5"));
  static final MemberId I9 = new MemberId(INITECH, Ipv4Address.parse("10.9.0.9"));
  static final Map<MvpnId, Ipv4Address> GATEWAYS =
      Map.of(ACME, ACME_GW, GLOBEX, GLOBEX_GW, INITECH, INITECH_GW);
  static final Map<MemberId, String> HOSTS = Map.of(A5, "a5", A6, "a6", G5, "g5", I9, "i9");

  final InMemoryWorkgroupDirectory directory = new InMemoryWorkgroupDirectory();
  final Map<MvpnId, WorkgroupGateway> gateways = new HashMap<>();
  final Map<MemberId, WorkgroupParty> parties = new HashMap<>();
  final Map<String, List<String>> received = new HashMap<>();
  final Random random = new Random(2026);
  Lab lab;
  int nextSpi = 0x2000;

  @BeforeEach
  void build() {
    directory.putMember(new Member(A5, "alice.acme.wg.mvpn.example", ACME_GW));
    directory.putMember(new Member(A6, "eve.acme.wg.mvpn.example", ACME_GW));
    directory.putMember(new Member(G5, "bob.globex.wg.mvpn.example", GLOBEX_GW));
    directory.putMember(new Member(I9, "carol.initech.wg.mvpn.example", INITECH_GW));
    directory.addWorkgroup("bridge");
    for (MemberId m : List.of(A5, G5, I9)) {
      directory.join("bridge", m);
    }
    TopologyBuilder b = new TopologyBuilder(2026).segment("backbone", "5ms");
    for (MvpnId t : List.of(ACME, GLOBEX, INITECH)) {
      String lanPrefix = t.equals(INITECH) ? "10.9.0" : "10.1.0";
      b.segment(t + "-lan", "1ms")
          .node("gw-" + t)
          .vrf("inside")
          .iface("lan", t + "-lan", lanPrefix + ".1/16")
          .vrf("outside")
          .iface("b0", "backbone", GATEWAYS.get(t) + "/24");
    }
    for (Map.Entry<MemberId, String> h : HOSTS.entrySet()) {
      MemberId m = h.getKey();
      String gw = m.tenant().equals(INITECH) ? "10.9.0.1" : "10.1.0.1";
      b.node(h.getValue())
          .vrf("main")
          .iface("eth0", m.tenant() + "-lan", m.privateAddress() + "/16")
          .route("0.0.0.0/0", gw);
    }
    b.node("attacker").vrf("main").iface("eth0", "backbone", "198.51.100.66/24");
    lab = Lab.virtual(b.build());
    for (MvpnId t : List.of(ACME, GLOBEX, INITECH)) {
      WorkgroupGateway g =
          new WorkgroupGateway(
              GATEWAYS.get(t),
              lab.vrf("gw-" + t, "inside"),
              lab.vrf("gw-" + t, "outside"),
              new WorkgroupFilter(t, directory));
      g.start();
      GATEWAYS.values().forEach(g::addPeerGateway);
      gateways.put(t, g);
    }
    for (Map.Entry<MemberId, String> h : HOSTS.entrySet()) {
      String name = h.getValue();
      Vrf vrf = lab.vrf(name, "main");
      parties.put(h.getKey(), new WorkgroupParty(h.getKey(), vrf));
      List<String> got = new ArrayList<>();
      received.put(name, got);
      vrf.bindUdp(
          7000,
          (v, in, d) ->
              got.add(
                  Ipv4Address.of(d.ip().source())
                      + " "
                      + d.payload().toString(StandardCharsets.US_ASCII)));
    }
  }

  /** A unidirectional SA from {@code from} to {@code to}'s gateway, installed at both ends. */
  EspSecurityAssociation provision(MemberId from, MemberId to) {
    byte[] key = new byte[20];
    random.nextBytes(key);
    int spi = nextSpi++;
    Ipv4Address target = GATEWAYS.get(to.tenant());
    EspSecurityAssociation out =
        new EspSecurityAssociation(
            spi, Direction.OUTBOUND, from.privateAddress(), target, key, true, 0);
    gateways
        .get(to.tenant())
        .addInboundSa(
            new WorkgroupGateway.InboundSa(
                GATEWAYS.get(from.tenant()),
                from,
                new EspSecurityAssociation(spi, Direction.INBOUND, null, target, key, true, 64)));
    parties.get(from).addPeer(to, out);
    return out;
  }

  void send(MemberId from, MemberId to, String text, Ipv4Address innerSource) {
    ByteBuf payload = Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    ByteBuf datagram =
        UdpDatagram.build(
            lab.vrf(HOSTS.get(from), "main").alloc(),
            innerSource.toInt(),
            to.privateAddress().toInt(),
            7000,
            7000,
            payload,
            64);
    payload.release();
    parties.get(from).send(to, datagram);
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + 100_000_000L);
  }

  void send(MemberId from, MemberId to, String text) {
    send(from, to, text, from.privateAddress());
  }

  long count(MvpnId at, WorkgroupCounter c) {
    return gateways.get(at).counter(c);
  }

  @Test
  void membersOfOverlappingRealmsReachEachOtherBothWaysAndResolveNames() throws Exception {
    provision(A5, G5);
    provision(G5, A5);
    provision(I9, G5);
    send(A5, G5, "hello from acme");
    send(G5, A5, "hello from globex");
    send(I9, G5, "hello from initech");
    // 10.1.0.5 talks to 10.1.0.5: the gateways told them apart by the tunnel source.
    assertThat(received.get("g5"))
        .containsExactly("10.1.0.5 hello from acme", "10.9.0.9 hello from initech");
    assertThat(received.get("a5")).containsExactly("10.1.0.5 hello from globex");
    assertThat(received.get("a6")).isEmpty();
    assertThat(count(GLOBEX, WorkgroupCounter.DELIVERED)).isEqualTo(2);
    assertThat(count(ACME, WorkgroupCounter.TUNNELLED_OUT)).isEqualTo(1);

    // Names, as the workgroup DNS answers each asker.
    WorkgroupZone zone = new WorkgroupZone(directory);
    assertThat(resolve(zone, "bob.globex.wg.mvpn.example.", A5)).isEqualTo("10.1.0.5");
    assertThat(resolve(zone, "carol.initech.wg.mvpn.example.", G5)).isEqualTo("10.9.0.9");
    assertThat(resolve(zone, "bob.globex.wg.mvpn.example.", A6)).isEqualTo("NXDOMAIN");
  }

  @Test
  void strangersSpoofersWrongTunnelsAndLeaversAreDroppedAndCounted() {
    provision(A5, G5);
    EspSecurityAssociation eve = provision(A6, G5); // a key, but no workgroup
    EspSecurityAssociation carol = provision(I9, G5);
    // A non-member: its own source is no member behind acme's gateway.
    send(A6, G5, "let me in");
    assertThat(count(GLOBEX, WorkgroupCounter.FILTERED)).isEqualTo(1);
    // The same non-member spoofing the member's inner source: its SA belongs to 10.1.0.6.
    send(A6, G5, "I am alice", A5.privateAddress());
    assertThat(count(GLOBEX, WorkgroupCounter.SPOOFED_SOURCE)).isEqualTo(1);
    // A member's ESP arriving through the wrong gateway: no SA for (acme gateway, carol's SPI).
    ByteBuf inner =
        UdpDatagram.build(
            lab.vrf("i9", "main").alloc(),
            I9.privateAddress().toInt(),
            G5.privateAddress().toInt(),
            7000,
            7000,
            Unpooled.copiedBuffer("detour", StandardCharsets.US_ASCII),
            64);
    Vrf attacker = lab.vrf("attacker", "main");
    try {
      ByteBuf esp = carol.encapsulate(attacker.alloc(), Ipv4Packet.parse(inner), 64);
      ByteBuf wrapped =
          IpInIp.encapsulate(
              attacker.alloc(), ACME_GW.toInt(), GLOBEX_GW.toInt(), Ipv4Packet.parse(esp), 64, 1);
      esp.release();
      attacker.send(wrapped);
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      inner.release();
    }
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + 100_000_000L);
    assertThat(count(GLOBEX, WorkgroupCounter.UNKNOWN_SA)).isEqualTo(1);
    // A member who left: from the next datagram on.
    send(I9, G5, "still here");
    directory.leave("bridge", I9);
    send(I9, G5, "after leaving");
    assertThat(received.get("g5")).containsExactly("10.9.0.9 still here");
    assertThat(count(GLOBEX, WorkgroupCounter.FILTERED)).isEqualTo(2);
    assertThat(eve.packets()).isEqualTo(2);
  }

  static String resolve(WorkgroupZone zone, String name, MemberId asker) throws Exception {
    Message answer =
        zone.answer(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, 1)), asker);
    if (answer.getRcode() != Rcode.NOERROR) {
      return Rcode.string(answer.getRcode());
    }
    return answer.getSection(Section.ANSWER).get(0).rdataToString();
  }
}
