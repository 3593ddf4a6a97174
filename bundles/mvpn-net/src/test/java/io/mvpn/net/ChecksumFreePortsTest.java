package io.mvpn.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

/** A TUN reader may leave a checksum unsummed only for a port whose handler says it needs none. */
class ChecksumFreePortsTest {

  private static final UdpHandler ESP_IN_UDP =
      new UdpHandler() {
        @Override
        public void receive(Vrf vrf, Interface ingress, UdpDatagram datagram) {}

        @Override
        public boolean needsChecksum() {
          return false;
        }
      };

  @Test
  void onlyPortsBoundToHandlersThatNeedNoChecksumAreChecksumFreeAndOnlyWhileBound() {
    Vrf vrf = new Vrf("public", new VirtualTimeScheduler(), ByteBufAllocator.DEFAULT);
    Registration esp = vrf.bindUdp(4500, ESP_IN_UDP);
    Registration napt = vrf.bindUdp(40000, (v, ingress, datagram) -> {});

    assertThat(vrf.takesUdpWithoutChecksum(4500)).isTrue();
    assertThat(vrf.takesUdpWithoutChecksum(40000)).as("its handler checks the checksum").isFalse();
    assertThat(vrf.takesUdpWithoutChecksum(500)).as("nothing bound").isFalse();

    esp.close();
    napt.close();
    assertThat(vrf.takesUdpWithoutChecksum(4500)).isFalse();
  }
}
