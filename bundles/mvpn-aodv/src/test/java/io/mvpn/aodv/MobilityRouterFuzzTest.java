package io.mvpn.aodv;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mvpn.aodv.message.AodvFormatException;
import io.mvpn.aodv.message.AodvMessage;
import io.mvpn.aodv.message.AodvMessages;
import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Coverage-guided fuzzing of AODV (RFC 3561 with the seed's hello, handover, refresh, sink and
 * weighted-search extensions) as a mobility router receives it on UDP 654, in a chain a - b - c in
 * virtual time. The first input byte picks unicast or broadcast; the rest is the message from a.
 * Nothing may escape the router; an accepted message re-encodes to itself; and whatever the
 * messages claim, b's routes lead only through its real neighbours and never to itself.
 */
class MobilityRouterFuzzTest {

  private static final List<String> CHAIN = List.of("a", "b", "c");
  private static MeshLab mesh;

  @FuzzTest(maxDuration = "30m")
  void anyMessageFromANeighbourKeepsTheRoutesSound(byte[] data) {
    if (mesh == null) {
      mesh = new MeshLab(CHAIN, List.of("a-b", "b-c"), AodvParameters.defaults());
      mesh.time.advance(2, TimeUnit.SECONDS); // out of the reboot hold, hellos exchanged
    }
    if (data.length == 0) {
      return;
    }
    byte[] message = Arrays.copyOfRange(data, 1, data.length);
    reencodesIfAccepted(message);
    Ipv4Address a = mesh.addr("a");
    Ipv4Address b = mesh.addr("b");
    int destination = (data[0] & 1) == 0 ? b.toInt() : 0xFFFFFFFF;
    ByteBuf datagram =
        UdpDatagram.build(
            UnpooledByteBufAllocator.DEFAULT,
            a.toInt(),
            destination,
            AodvMessages.UDP_PORT,
            AodvMessages.UDP_PORT,
            Unpooled.wrappedBuffer(message),
            (data[0] & 0xFF) >> 1);
    mesh.lab.vrf("b", "mesh").getInterface("to-a").receive(datagram);
    mesh.time.advance(50, TimeUnit.MILLISECONDS);

    Set<Ipv4Address> neighbours = Set.of(a, mesh.addr("c"));
    for (RouteEntry route : mesh.router("b").routes()) {
      assertThat(route.destination()).as("a route to itself: %s", route).isNotEqualTo(b);
      assertThat(route.hopCount()).as("%s", route).isBetween(0, 255);
      if (route.nextHop() != null) {
        assertThat(neighbours).as("next hop of %s", route).contains(route.nextHop());
      }
    }
  }

  /** What the router accepts must be what it would itself send: it re-encodes to the same bytes. */
  private static void reencodesIfAccepted(byte[] message) {
    AodvMessage parsed;
    try {
      parsed = AodvMessages.parse(Unpooled.wrappedBuffer(message));
    } catch (AodvFormatException expected) {
      assertThat(expected.reason()).isNotNull();
      return;
    }
    ByteBuf again = parsed.encode(UnpooledByteBufAllocator.DEFAULT);
    try {
      assertThat(again.readableBytes()).isEqualTo(message.length);
      assertThat(AodvMessages.parse(again)).isEqualTo(parsed);
    } catch (AodvFormatException e) {
      throw new AssertionError("re-encoded message rejected: " + e.getMessage(), e);
    } finally {
      again.release();
    }
  }
}
