package io.mvpn.sam.scenario;

import static io.mvpn.sam.scenario.SamRealm.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Vrf;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.sam.client.SamEspNode;
import io.mvpn.sam.client.SamEspPath;
import io.mvpn.sam.manager.SaPairStore;
import io.mvpn.sam.manager.SamResponder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes' IP stacks (VRFs on one link) whose traffic to each other goes in ESP on the SA their
 * manager hands out: the first datagram waits for the SA, every one reaches the peer's UDP port as
 * sent, and the link carries only ESP between them; traffic to anyone else goes in the clear.
 */
class SamEspNodeTest {

  private static final Ipv4Address A = Ipv4Address.parse("10.0.0.1");
  private static final Ipv4Address B = Ipv4Address.parse("10.0.0.2");
  private static final Ipv4Address OTHER = Ipv4Address.parse("10.0.0.3");

  @TempDir static Path dir;

  private static SamRealm realm;

  @BeforeAll
  static void startRealm() throws Exception {
    realm = SamRealm.onMvpnKdc(dir, 2);
  }

  @AfterAll
  static void stopRealm() {
    realm.close();
  }

  @Test
  void aNodesDatagramsToItsPeerCrossTheLinkInEspAndReachThePeersPortAsSent() {
    Lan lan = new Lan(PEERS);
    List<Integer> deliveredToB = new ArrayList<>();
    lan.b.observeDeliveries((vrf, ingress, packet) -> deliveredToB.add(packet.protocol()));
    SamEspNode nodeA = lan.nodeA;
    SamEspNode nodeB = lan.nodeB;
    VirtualTimeScheduler time = lan.time;

    nodeA.send(udp(A, B, "first"));
    nodeA.send(udp(A, B, "second"));
    nodeA.send(udp(A, OTHER, "in the clear"));
    time.advance(100, TimeUnit.MILLISECONDS);
    nodeA.send(udp(A, B, "third"));
    time.advance(100, TimeUnit.MILLISECONDS);

    assertThat(lan.heardByB).containsExactly("first", "second", "third");
    assertThat(lan.heardByOther).containsExactly("in the clear");
    assertThat(nodeA.path().counters().sentAfterWait()).isEqualTo(2);
    assertThat(nodeA.path().counters().sentAtOnce()).isEqualTo(1);
    assertThat(nodeB.path().counters().received()).isEqualTo(3);
    // What reached B over the link was ESP; the UDP it delivered came out of that ESP.
    assertThat(deliveredToB)
        .containsExactlyInAnyOrder(
            IpProtocol.ESP,
            IpProtocol.ESP,
            IpProtocol.ESP,
            IpProtocol.UDP,
            IpProtocol.UDP,
            IpProtocol.UDP);
    nodeA.close();
    nodeB.close();
  }

  @Test
  void aPeersEspCarryingAForgedSourceOrADatagramForSomeoneElseIsRefusedAndCounted() {
    // A misbehaving A sends everything, whoever it is for, to B on its SA with B.
    Lan lan =
        new Lan(
            new SamEspPath.Peers() {
              @Override
              public String nodeAt(Ipv4Address address) {
                return address.equals(A) ? node(0) : node(1);
              }

              @Override
              public Ipv4Address addressOf(String node) {
                return node.equals(node(0)) ? A : B;
              }
            });
    SamEspNode nodeA = lan.nodeA;
    SamEspNode nodeB = lan.nodeB;

    nodeA.send(udp(A, B, "genuine"));
    nodeA.send(udp(OTHER, B, "forged source"));
    nodeA.send(udp(A, OTHER, "relay me"));
    lan.time.advance(100, TimeUnit.MILLISECONDS);

    assertThat(lan.heardByB).containsExactly("genuine");
    assertThat(lan.heardByOther).isEmpty();
    assertThat(nodeB.path().counters().received()).isEqualTo(1);
    assertThat(nodeB.path().counters().outsideSelectors()).isEqualTo(2);
    nodeA.close();
    nodeB.close();
  }

  @Test
  void aClosedNodeReleasesWhatItHeldAndSendsNothingWhenItsSaArrivesLate() {
    Lan lan = new Lan(PEERS);
    ByteBuf first = udp(A, B, "first");
    ByteBuf second = udp(A, B, "second");
    lan.nodeA.send(first);
    lan.nodeA.send(second);
    assertThat(lan.nodeA.path().heldFor(node(1))).isEqualTo(2);

    lan.nodeA.close();
    lan.time.advance(100, TimeUnit.MILLISECONDS); // the manager's answer comes after the close

    assertThat(first.refCnt()).isZero();
    assertThat(second.refCnt()).isZero();
    assertThat(lan.nodeA.path().heldFor(node(1))).isZero();
    assertThat(lan.nodeA.path().counters().droppedNoSa()).isEqualTo(2);
    assertThat(lan.nodeA.path().counters().sentAfterWait()).isZero();
    assertThat(lan.heardByB).isEmpty();
    lan.nodeB.close();
  }

  private static final SamEspPath.Peers PEERS = SamEspPath.Peers.of(Map.of(node(0), A, node(1), B));

  /** A, B and another host on one link; A and B send to each other through the realm's SAM. */
  private static final class Lan {
    final VirtualTimeScheduler time = new VirtualTimeScheduler();
    final Vrf b;
    final SamEspNode nodeA;
    final SamEspNode nodeB;
    final List<String> heardByB = new ArrayList<>();
    final List<String> heardByOther = new ArrayList<>();

    /** {@code peersOfA}: whom node A believes is where (B's are always {@link #PEERS}). */
    Lan(SamEspPath.Peers peersOfA) {
      VirtualWire kink = new VirtualWire(time);
      SamResponder sam = realm.manager(time, kink, realm.sessionKeys, SaPairStore.inMemory());
      sam.knowNode(node(1), SamRealm.address(1));
      MemorySegment lan = new MemorySegment("lan", LinkProperties.IDEAL, 1);
      Vrf a = vrf(time, "a", lan, A);
      b = vrf(time, "b", lan, B);
      Vrf other = vrf(time, "other", lan, OTHER);
      nodeA =
          new SamEspNode(a, A, realm.node(time, kink, 0, 0), peersOfA, SamEspPath.Settings.DEFAULT);
      nodeB =
          new SamEspNode(b, B, realm.node(time, kink, 1, 0), PEERS, SamEspPath.Settings.DEFAULT);
      b.bindUdp(5004, (vrf, ingress, udp) -> heardByB.add(text(udp)));
      other.bindUdp(5004, (vrf, ingress, udp) -> heardByOther.add(text(udp)));
    }
  }

  private static Vrf vrf(
      VirtualTimeScheduler time, String name, MemorySegment lan, Ipv4Address at) {
    Vrf vrf = new Vrf(name, time, ByteBufAllocator.DEFAULT);
    vrf.addInterface("lan0", at, 24, lan.newPort());
    return vrf;
  }

  private static ByteBuf udp(Ipv4Address from, Ipv4Address to, String text) {
    ByteBuf payload = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    ByteBuf datagram =
        UdpDatagram.build(
            ByteBufAllocator.DEFAULT, from.toInt(), to.toInt(), 5004, 5004, payload, 64);
    payload.release();
    return datagram;
  }

  private static String text(UdpDatagram udp) {
    return new String(ByteBufUtil.getBytes(udp.payload()), StandardCharsets.UTF_8);
  }
}
