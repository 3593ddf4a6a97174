package io.mvpn.ipsec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.net.Interface;
import io.mvpn.net.ReaderStage;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every ESP-in-UDP case of {@link EspInUdpChecksumTest} (checksums, NAT ports, IKE and keepalives
 * on port 4500, an SPI a bit error hit) with {@code espOnReaders}: the node's datagrams pass the
 * outside interface's reader stage, as a TUN reader runs it, before the gateway's thread.
 */
class EspInUdpOnReadersTest extends EspInUdpChecksumTest {

  Interface o0;
  int openedOnReaders;

  @BeforeEach
  void openOnReaders() {
    gateway.openEspOnReaders();
    o0 = lab.vrf("gw", "outside").interfaces().get(0);
  }

  @Override
  void nodeSendsRaw(ByteBuf outer) {
    Object handed = SecurityGatewayEspOnReadersTest.read(o0, outer);
    if (handed instanceof ReaderStage.Result) {
      openedOnReaders++;
    }
    SecurityGatewayEspOnReadersTest.toLoop(lab, o0, handed);
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
  }

  @Test
  void espInUdpIsOpenedOnTheReaderAndOnlyTheLoopMovesTheNatPort() throws Exception {
    nodeSendsRaw(espInUdp("from the mapped port", MAPPED_PORT, 0));
    nodeSendsRaw(espInUdp("from the NAT's new port", NEW_MAPPED_PORT, 0));

    assertThat(openedOnReaders).isEqualTo(2);
    assertThat(atHost).containsExactly("from the mapped port", "from the NAT's new port");
    assertThat(gateway.tunnel(HOME).outbound().udpDestinationPort()).isEqualTo(NEW_MAPPED_PORT);
    assertThat(gateway.counter(GatewayCounter.NAT_PORT_MOVED)).isEqualTo(1);
  }

  /** As with ESP owners: the packets are opened on the reader, all before the loop sees any. */
  @Override
  @Test
  void packetsInFlightTogetherFromANewNatPortMoveTheTunnelOnce() throws Exception {
    List<Object> handed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      handed.add(
          SecurityGatewayEspOnReadersTest.read(
              o0, espInUdp("from the new port " + i, NEW_MAPPED_PORT, 0)));
    }
    assertThat(handed).allMatch(h -> h instanceof ReaderStage.Result);
    handed.forEach(h -> SecurityGatewayEspOnReadersTest.toLoop(lab, o0, h));
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));

    assertThat(gateway.tunnel(HOME).outbound().udpDestinationPort()).isEqualTo(NEW_MAPPED_PORT);
    assertThat(gateway.counter(GatewayCounter.NAT_PORT_MOVED)).isEqualTo(1);
    assertThat(atHost).hasSize(3);
  }

  /**
   * Two readers: the old port's packet and then the new port's are opened in that order, each the
   * newest as its reader saw the window, and reach the loop the other way round. The loop moves the
   * tunnel to the new port and not back.
   */
  @Test
  void packetsOfTwoReadersReachingTheLoopOutOfOrderDoNotMoveTheNatPortBack() throws Exception {
    Object oldPort = SecurityGatewayEspOnReadersTest.read(o0, espInUdp("old", MAPPED_PORT, 0));
    Object newPort = SecurityGatewayEspOnReadersTest.read(o0, espInUdp("new", NEW_MAPPED_PORT, 0));
    assertThat(List.of(oldPort, newPort)).allMatch(h -> h instanceof ReaderStage.Result);

    SecurityGatewayEspOnReadersTest.toLoop(lab, o0, newPort);
    SecurityGatewayEspOnReadersTest.toLoop(lab, o0, oldPort);
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));

    assertThat(atHost).containsExactlyInAnyOrder("old", "new");
    assertThat(gateway.tunnel(HOME).outbound().udpDestinationPort()).isEqualTo(NEW_MAPPED_PORT);
    assertThat(gateway.counter(GatewayCounter.NAT_PORT_MOVED)).isEqualTo(1);
  }
}
