package io.mvpn.workgroup;

import static io.mvpn.workgroup.WorkgroupWorld.A5;
import static io.mvpn.workgroup.WorkgroupWorld.A6;
import static io.mvpn.workgroup.WorkgroupWorld.ACME;
import static io.mvpn.workgroup.WorkgroupWorld.ACME_GW;
import static io.mvpn.workgroup.WorkgroupWorld.G5;
import static io.mvpn.workgroup.WorkgroupWorld.GLOBEX;
import static io.mvpn.workgroup.WorkgroupWorld.GLOBEX_GW;
import static io.mvpn.workgroup.WorkgroupWorld.I9;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.dns.WorkgroupZone;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.net.Vrf;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
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
 * Seed 002's mobile workgroup ({@link WorkgroupWorld}) with hand-keyed SAs. Each party sends
 * through its own unidirectional SA to the peer's gateway, its gateway wraps it in IP-IP, and the
 * peer's gateway admits it only through the realm-indexed filter.
 */
class WorkgroupScenarioTest {

  final Random random = new Random(2026);
  WorkgroupWorld world;
  int nextSpi = 0x2000;

  @BeforeEach
  void build() {
    world = new WorkgroupWorld();
  }

  /** A unidirectional SA from {@code from} to {@code to}'s gateway, installed at both ends. */
  EspSecurityAssociation provision(MemberId from, MemberId to) {
    byte[] key = new byte[20];
    random.nextBytes(key);
    int spi = nextSpi++;
    Ipv4Address target = WorkgroupWorld.GATEWAYS.get(to.tenant());
    EspSecurityAssociation out =
        new EspSecurityAssociation(
            spi, Direction.OUTBOUND, from.privateAddress(), target, key, true, 0);
    world
        .gateways
        .get(to.tenant())
        .addInboundSa(
            new WorkgroupGateway.InboundSa(
                WorkgroupWorld.GATEWAYS.get(from.tenant()),
                from,
                new EspSecurityAssociation(spi, Direction.INBOUND, null, target, key, true, 64)));
    world.parties.get(from).addPeer(to, out);
    return out;
  }

  @Test
  void membersOfOverlappingRealmsReachEachOtherBothWaysAndResolveNames() throws Exception {
    provision(A5, G5);
    provision(G5, A5);
    provision(I9, G5);
    world.send(A5, G5, "hello from acme");
    world.send(G5, A5, "hello from globex");
    world.send(I9, G5, "hello from initech");
    // 10.1.0.5 talks to 10.1.0.5: the gateways told them apart by the tunnel source.
    assertThat(world.received.get("g5"))
        .containsExactly("10.1.0.5 hello from acme", "10.9.0.9 hello from initech");
    assertThat(world.received.get("a5")).containsExactly("10.1.0.5 hello from globex");
    assertThat(world.received.get("a6")).isEmpty();
    assertThat(world.count(GLOBEX, WorkgroupCounter.DELIVERED)).isEqualTo(2);
    assertThat(world.count(ACME, WorkgroupCounter.TUNNELLED_OUT)).isEqualTo(1);

    // Names, as the workgroup DNS answers each asker.
    WorkgroupZone zone = new WorkgroupZone(world.directory);
    assertThat(resolve(zone, "bob.globex.wg.mvpn.example.", A5)).isEqualTo("10.1.0.5");
    assertThat(resolve(zone, "carol.initech.wg.mvpn.example.", G5)).isEqualTo("10.9.0.9");
    assertThat(resolve(zone, "bob.globex.wg.mvpn.example.", A6)).isEqualTo("NXDOMAIN");
  }

  @Test
  void aDatagramLargerThanTheLinksCrossesInPiecesAndIsOpenedWhole() {
    provision(A5, G5);
    provision(G5, A5);
    String big = "x".repeat(3000);
    world.send(A5, G5, big);
    world.send(G5, A5, big + "y");

    assertThat(world.received.get("g5")).containsExactly("10.1.0.5 " + big);
    assertThat(world.received.get("a5")).containsExactly("10.1.0.5 " + big + "y");
    assertThat(world.count(GLOBEX, WorkgroupCounter.DELIVERED)).isEqualTo(1);
    assertThat(world.count(ACME, WorkgroupCounter.NOT_ESP)).isZero();
  }

  @Test
  void strangersSpoofersWrongTunnelsAndLeaversAreDroppedAndCounted() {
    provision(A5, G5);
    EspSecurityAssociation eve = provision(A6, G5); // a key, but no workgroup
    EspSecurityAssociation carol = provision(I9, G5);
    // A non-member: its own source is no member behind acme's gateway.
    world.send(A6, G5, "let me in");
    assertThat(world.count(GLOBEX, WorkgroupCounter.FILTERED)).isEqualTo(1);
    // The same non-member spoofing the member's inner source: its SA belongs to 10.1.0.6.
    world.send(A6, G5, "I am alice", A5.privateAddress());
    assertThat(world.count(GLOBEX, WorkgroupCounter.SPOOFED_SOURCE)).isEqualTo(1);
    // A member's ESP arriving through the wrong gateway: no SA for (acme gateway, carol's SPI).
    ByteBuf inner =
        UdpDatagram.build(
            world.lab.vrf("i9", "main").alloc(),
            I9.privateAddress().toInt(),
            G5.privateAddress().toInt(),
            7000,
            7000,
            Unpooled.copiedBuffer("detour", StandardCharsets.US_ASCII),
            64);
    Vrf attacker = world.lab.vrf("attacker", "main");
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
    world.run(100);
    assertThat(world.count(GLOBEX, WorkgroupCounter.UNKNOWN_SA)).isEqualTo(1);
    // A member who left: from the next datagram on.
    world.send(I9, G5, "still here");
    world.directory.leave("bridge", I9);
    world.send(I9, G5, "after leaving");
    assertThat(world.received.get("g5")).containsExactly("10.9.0.9 still here");
    assertThat(world.count(GLOBEX, WorkgroupCounter.FILTERED)).isEqualTo(2);
    assertThat(eve.packets()).isEqualTo(2);
  }

  @Test
  void aGatewayNoMemberSitsBehindAnyMoreLosesItsTunnel() {
    provision(A5, I9);
    WorkgroupGateway acme = world.gateways.get(ACME);
    acme.setPeerGateways(java.util.Set.of(GLOBEX_GW));
    assertThat(acme.peers()).containsExactly(GLOBEX_GW);
    world.send(A5, I9, "to initech");
    assertThat(world.count(ACME, WorkgroupCounter.TUNNELLED_OUT)).isZero();
    assertThat(world.received.get("i9")).isEmpty();
    // Back in the directory: the tunnel is back.
    acme.setPeerGateways(java.util.Set.of(GLOBEX_GW, WorkgroupWorld.INITECH_GW));
    world.send(A5, I9, "to initech again");
    assertThat(world.received.get("i9")).containsExactly("10.1.0.5 to initech again");
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
