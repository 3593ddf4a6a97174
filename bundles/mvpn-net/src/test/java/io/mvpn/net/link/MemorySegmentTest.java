package io.mvpn.net.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemorySegmentTest {

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final List<String> arrivals = new ArrayList<>();

  private Vrf host(MemorySegment segment, String name, String address) {
    Vrf vrf = new Vrf(name, time, ByteBufAllocator.DEFAULT);
    vrf.addInterface(name + "0", Ipv4Address.parse(address), 24, segment.newPort());
    vrf.bindUdp(9, (v, in, udp) -> arrivals.add(name + "@" + time.nanoTime() / 1000 + "us"));
    return vrf;
  }

  @Test
  void rateSerializesBackToBackDatagramsThenDelayAddsOnce() {
    // 1 Mbit/s: a 1,028-byte datagram (1,000 bytes of payload) takes 8,224 us on the wire.
    MemorySegment wire =
        new MemorySegment(
            "wire", LinkProperties.IDEAL.withRate(1_000_000).withDelay(Duration.ofMillis(2)), 1);
    Vrf a = host(wire, "a", "10.1.0.1");
    host(wire, "b", "10.1.0.2");
    for (int i = 0; i < 3; i++) {
      a.sendUdp(null, Ipv4Address.parse("10.1.0.2"), 9, 9, Unpooled.wrappedBuffer(new byte[1000]));
    }
    time.runUntilIdle();
    assertThat(arrivals).containsExactly("b@10224us", "b@18448us", "b@26672us");
  }

  @Test
  void broadcastReachesEveryOtherAttachmentAndUnicastOnlyItsNeighbour() {
    MemorySegment lan = new MemorySegment("lan", LinkProperties.IDEAL, 1);
    Vrf a = host(lan, "a", "10.1.0.1");
    host(lan, "b", "10.1.0.2");
    host(lan, "c", "10.1.0.3");
    a.send(
        io.mvpn.packet.udp.UdpDatagram.build(
            ByteBufAllocator.DEFAULT,
            Ipv4Address.parse("10.1.0.1").toInt(),
            -1,
            9,
            9,
            Unpooled.EMPTY_BUFFER,
            1),
        a.getInterface("a0"),
        -1);
    a.sendUdp(null, Ipv4Address.parse("10.1.0.3"), 9, 9, Unpooled.EMPTY_BUFFER);
    time.runUntilIdle();
    assertThat(arrivals).containsExactly("b@0us", "c@0us", "c@0us");
    assertThat(lan.delivered()).isEqualTo(3);
  }

  @Test
  void lossIsDrawnFromTheSeedAndOversizeNeverTravels() {
    MemorySegment lossy = new MemorySegment("lossy", LinkProperties.IDEAL.withLoss(0.5), 99);
    Vrf a = host(lossy, "a", "10.1.0.1");
    host(lossy, "b", "10.1.0.2");
    for (int i = 0; i < 1000; i++) {
      a.sendUdp(null, Ipv4Address.parse("10.1.0.2"), 9, 9, Unpooled.EMPTY_BUFFER);
    }
    time.runUntilIdle();
    assertThat(lossy.lost() + lossy.delivered()).isEqualTo(1000);
    assertThat(lossy.lost()).isBetween(430L, 570L);
    assertThat(arrivals).hasSize((int) lossy.delivered());
  }
}
