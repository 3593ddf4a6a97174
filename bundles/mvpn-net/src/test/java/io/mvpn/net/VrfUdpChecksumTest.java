package io.mvpn.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A VRF sums the UDP checksum of what it delivers unless the port's handler says its payload
 * authenticates itself; that handler can still ask whether the checksum holds.
 */
class VrfUdpChecksumTest {

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final MemorySegment lan = new MemorySegment("lan", LinkProperties.IDEAL, 1);
  private final Vrf sender = new Vrf("sender", time, ByteBufAllocator.DEFAULT);
  private final Vrf receiver = new Vrf("receiver", time, ByteBufAllocator.DEFAULT);
  private final List<String> summed = new ArrayList<>();
  private final List<String> unsummed = new ArrayList<>();

  VrfUdpChecksumTest() {
    sender.addInterface("s0", Ipv4Address.parse("10.1.0.2"), 24, lan.newPort());
    receiver.addInterface("r0", Ipv4Address.parse("10.1.0.1"), 24, lan.newPort());
    receiver.bindUdp(9, (vrf, in, udp) -> summed.add(udp.checksumValid() ? "valid" : "wrong"));
    receiver.bindUdp(
        4500,
        new UdpHandler() {
          @Override
          public void receive(Vrf vrf, Interface ingress, UdpDatagram udp) {
            unsummed.add(udp.checksumValid() ? "valid" : "wrong");
          }

          @Override
          public boolean needsChecksum() {
            return false;
          }
        });
  }

  /** A datagram to the receiver's port, its checksum corrupted if {@code corrupt}. */
  private void send(int port, boolean corrupt) {
    ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    ByteBuf datagram =
        UdpDatagram.build(
            ByteBufAllocator.DEFAULT,
            Ipv4Address.parse("10.1.0.2").toInt(),
            Ipv4Address.parse("10.1.0.1").toInt(),
            5000,
            port,
            payload,
            64);
    if (corrupt) {
      datagram.setShort(26, datagram.getUnsignedShort(26) ^ 0x0101);
    }
    sender.send(datagram);
    time.runUntilIdle();
  }

  private long badChecksums() {
    return receiver.counters().malformed(MalformedPacketException.Reason.BAD_UDP_CHECKSUM);
  }

  @Test
  void aWrongChecksumIsDroppedAndCountedBeforeAnOrdinaryHandlerSeesIt() {
    send(9, true);
    send(9, false);

    assertThat(summed).containsExactly("valid");
    assertThat(badChecksums()).isEqualTo(1);
  }

  @Test
  void aHandlerThatAuthenticatesItsPayloadGetsEveryDatagramAndCanStillAskTheChecksum() {
    send(4500, true);
    send(4500, false);

    assertThat(unsummed).containsExactly("wrong", "valid");
    assertThat(badChecksums()).isZero();
  }
}
