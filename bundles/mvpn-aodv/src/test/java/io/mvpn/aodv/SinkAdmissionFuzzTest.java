package io.mvpn.aodv;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mvpn.aodv.message.AodvMessages;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.aaa.Authorization;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Coverage-guided fuzzing of a sink (seed 002 c40-41) whose MSM admits nobody: whatever a neighbour
 * on its access link sends on UDP 654 (hellos with any authentication extension, RREQs, RREPs,
 * RERRs), the sink takes no route to it, admits nothing and throws nothing. The first input byte
 * picks unicast or broadcast and the IP TTL; the rest is the message.
 */
class SinkAdmissionFuzzTest {

  private static MeshLab mesh;

  @FuzzTest(maxDuration = "30m")
  void nothingANeighbourSendsGetsItInWithoutTheMsm(byte[] data) {
    if (mesh == null) {
      mesh = new MeshLab(List.of("a", "s"), List.of("a-s"), AodvParameters.defaults());
      mesh.router("s")
          .setSitePolicy(
              new SitePolicy(
                  (credentials, answer) ->
                      answer.accept(Authorization.refused(Authorization.Outcome.REJECTED)),
                  "acme.example",
                  Ipv4Address.parse("10.1.0.9"),
                  Set.of("to-a")));
      mesh.time.advance(2, TimeUnit.SECONDS);
    }
    if (data.length == 0) {
      return;
    }
    Ipv4Address a = mesh.addr("a");
    Ipv4Address s = mesh.addr("s");
    ByteBuf datagram =
        UdpDatagram.build(
            UnpooledByteBufAllocator.DEFAULT,
            a.toInt(),
            (data[0] & 1) == 0 ? s.toInt() : 0xFFFFFFFF,
            AodvMessages.UDP_PORT,
            AodvMessages.UDP_PORT,
            Unpooled.wrappedBuffer(Arrays.copyOfRange(data, 1, data.length)),
            (data[0] & 0xFF) >> 1);
    mesh.lab.vrf("s", "mesh").getInterface("to-a").receive(datagram);
    mesh.time.advance(50, TimeUnit.MILLISECONDS);

    MobilityRouter sink = mesh.router("s");
    assertThat(sink.routes()).noneMatch(r -> r.destination().equals(a));
    assertThat(sink.counter(AodvCounter.NODES_ADMITTED)).isZero();
    assertThat(sink.counter(AodvCounter.VISITORS_ADMITTED)).isZero();
    assertThat(sink.siteNodes()).noneMatch(n -> n.state() == SiteNode.State.MEMBER);
  }
}
