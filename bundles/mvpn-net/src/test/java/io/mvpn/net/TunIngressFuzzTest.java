package io.mvpn.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;

/**
 * Coverage-guided fuzzing of the TUN ingress path: any bytes, as a TUN read hands them to the
 * interface, into a router VRF that delivers locally (UDP, ICMP echo), forwards to a host on a LAN
 * (which echoes UDP back), reassembles fragments and answers with ICMP errors. Nothing may escape
 * the VRF, and once the reassembly timeout has passed no buffer may be left held: neither the input
 * nor any the router or the host allocated.
 */
class TunIngressFuzzTest {

  private static final Ipv4Address ROUTER_TUN = Ipv4Address.parse("10.9.0.1");
  private static final Ipv4Address ROUTER_LAN = Ipv4Address.parse("198.51.100.1");
  private static final Ipv4Address HOST = Ipv4Address.parse("198.51.100.7");

  /** The kernel side of the TUN device: takes what the router writes and lets it go. */
  private static final class KernelSide implements Transport {
    long written;

    @Override
    public void attach(Interface owner) {}

    @Override
    public void send(ByteBuf datagram, int nextHop) {
      written++;
      datagram.release();
    }

    @Override
    public int mtu() {
      return 1500;
    }

    @Override
    public String describe() {
      return "tun:fuzz0";
    }

    @Override
    public void close() {}
  }

  /** Built once: a router and a host, reset by time alone (the reassembly timeout). */
  private static final class Rig {
    final VirtualTimeScheduler time = new VirtualTimeScheduler();
    final RecordingAllocator routerBuffers = new RecordingAllocator();
    final RecordingAllocator hostBuffers = new RecordingAllocator();
    final Vrf router = new Vrf("router", time, routerBuffers);
    final Vrf host = new Vrf("host", time, hostBuffers);
    final MemorySegment lan = new MemorySegment("lan", LinkProperties.IDEAL, 1);
    final Interface tun = router.addInterface("tun0", ROUTER_TUN, 24, new KernelSide());

    Rig() {
      router.addInterface("lan0", ROUTER_LAN, 24, lan.newPort());
      host.addInterface("eth0", HOST, 24, lan.newPort());
      host.addRoute(Prefix.DEFAULT_ROUTE, ROUTER_LAN, Route.Origin.STATIC);
      router.bindUdp(9, (vrf, in, udp) -> udp.payload().readableBytes());
      host.bindUdp(
          7,
          (vrf, in, udp) ->
              vrf.sendUdp(HOST, udp.ip().sourceAddress(), 7, udp.sourcePort(), udp.payload()));
    }
  }

  private static Rig rig;

  @FuzzTest(maxDuration = "30m")
  void anyBytesFromTheTunAreRoutedOrDroppedAndNoBufferIsLeftHeld(byte[] data) {
    if (rig == null) {
      rig = new Rig();
    }
    ByteBuf read = Unpooled.buffer(data.length).writeBytes(data);
    rig.tun.receive(read);
    rig.time.advance(2, TimeUnit.MINUTES);

    assertThat(rig.router.reassembliesInProgress()).isZero();
    assertThat(read.refCnt()).as("the datagram read from the TUN was released").isZero();
    assertThat(rig.routerBuffers.held()).as("buffers the router still holds").isZero();
    assertThat(rig.hostBuffers.held()).as("buffers the host still holds").isZero();
    rig.routerBuffers.forgetReleased();
    rig.hostBuffers.forgetReleased();
  }
}
