package io.mvpn.net.transport.tun;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Interface;
import io.mvpn.net.UdpHandler;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway's outside as the kernel feeds it: UDP datagrams from a socket in the next namespace to
 * the VRF's own address, on a port whose handler leaves the checksum to ESP's ICV (as the gateway's
 * port 4500 does) and on one that needs it. Each datagram is read into a buffer of its own, its
 * partial checksum vouched for by the kernel is not summed, a UDP GSO send arrives as the datagrams
 * it stands for, and a datagram whose checksum the kernel did not vouch for and that is wrong is
 * still refused and counted. Needs root (run under flock /tmp/mvpn-netns.lock).
 */
class TunOutsideKernelTest {

  private static final String CLIENT = "10.202.1.1";
  private static final String OWN = "10.202.1.2";
  private static final int TRUSTING_PORT = 4500;
  private static final int CHECKING_PORT = 500;

  /** 50 datagrams of 1,372 bytes to the trusting port, then one GSO send of 3 × 1,000. */
  private static final String SOURCE =
      "import socket,time\n"
          + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
          + "for i in range(50): s.sendto(bytes([i])*1372,('"
          + OWN
          + "',"
          + TRUSTING_PORT
          + "))\n"
          + "time.sleep(0.5)\n"
          + "g=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); g.setsockopt(17,103,1000)\n"
          + "g.sendto(bytes(range(250))*12,('"
          + OWN
          + "',"
          + TRUSTING_PORT
          + "))\n";

  /**
   * A raw socket's datagrams reach the device with their checksums as written (no NEEDS_CSUM): one
   * with a bit error and one with checksum none, to the checking port.
   */
  private static final String RAW_SOURCE =
      "import socket,struct\n"
          + "r=socket.socket(socket.AF_INET,socket.SOCK_RAW,socket.IPPROTO_UDP)\n"
          + "def csum(b):\n"
          + "  if len(b)%2: b+=b'\\0'\n"
          + "  s=sum(struct.unpack('!%dH'%(len(b)//2),b)); s=(s>>16)+(s&0xffff); s+=s>>16\n"
          + "  return ~s&0xffff\n"
          + "p=b'ike'*100; u=struct.pack('!HHHH',500,"
          + CHECKING_PORT
          + ",8+len(p),0)\n"
          + "ph=socket.inet_aton('"
          + CLIENT
          + "')+socket.inet_aton('"
          + OWN
          + "')+struct.pack('!BBH',0,17,8+len(p))\n"
          + "c=csum(ph+u+p) or 0xffff\n"
          + "r.sendto(u[:6]+struct.pack('!H',c^0x0101)+p,('"
          + OWN
          + "',0))\n"
          + "r.sendto(u+p,('"
          + OWN
          + "',0))\n";

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final List<byte[]> trusted = new CopyOnWriteArrayList<>();
  private final List<byte[]> checked = new CopyOnWriteArrayList<>();
  private NamespaceLab lab;
  private Vrf vrf;
  private TunTransport outside;
  private String clientNs;

  @BeforeEach
  void aVrfWithItsOutsideOnATunDevice() throws Exception {
    KernelLab.requireKernel("python3");
    lab = new NamespaceLab("mvu");
    vrf = new Vrf("outside", new EventLoopScheduler(group.next()), ByteBufAllocator.DEFAULT);
    String device = lab.device("o");
    outside = TunTransport.open(device, 1500, 1, true);
    KernelLab.onLoop(
        vrf.scheduler(),
        () -> {
          vrf.addInterface("o", Ipv4Address.parse(OWN), 24, outside);
          vrf.bindUdp(
              TRUSTING_PORT,
              new UdpHandler() {
                @Override
                public void receive(Vrf v, Interface ingress, UdpDatagram datagram) {
                  trusted.add(ByteBufUtil.getBytes(datagram.payload()));
                }

                @Override
                public boolean needsChecksum() {
                  return false;
                }
              });
          return vrf.bindUdp(
              CHECKING_PORT, (v, ingress, d) -> checked.add(ByteBufUtil.getBytes(d.payload())));
        });
    clientNs = lab.namespace("cli");
    lab.moveInto(device, clientNs, CLIENT + "/24");
  }

  @AfterEach
  void cleanUp() throws Exception {
    KernelLab.tearDown(vrf, lab, group);
  }

  @Test
  void datagramsForTheOwnAddressArriveWholeWithoutTheirPartialChecksumsSummed() throws Exception {
    lab.in(clientNs, "timeout", "20", "python3", "-c", SOURCE);

    awaitCount(trusted, 53);
    for (int i = 0; i < 50; i++) {
      assertThat(trusted.get(i)).hasSize(1372).containsOnly((byte) i);
    }
    for (int s = 0; s < 3; s++) {
      byte[] expected = new byte[1000];
      for (int k = 0; k < 1000; k++) {
        expected[k] = (byte) ((s * 1000 + k) % 250);
      }
      assertThat(trusted.get(50 + s)).isEqualTo(expected);
    }
    OffloadCounters o = outside.offloadCounters();
    assertThat(o.checksumsTrusted()).as("%s", o).isEqualTo(53);
    assertThat(o.checksumsCompleted()).isZero();
    assertThat(o.superPacketsRead()).as("USO needs Linux 6.2; %s", o).isEqualTo(1);
    assertThat(o.badHeaders()).isZero();
    assertThat(outside.failure()).isNull();
  }

  @Test
  void aWrongChecksumTheKernelDidNotVouchForIsStillRefusedAndCounted() throws Exception {
    lab.in(clientNs, "timeout", "20", "python3", "-c", RAW_SOURCE);

    // The bad one was sent first, through the same queue and thread: once the good one is in, the
    // bad one has been refused.
    awaitCount(checked, 1);
    assertThat(checked).hasSize(1);
    assertThat(checked.get(0)).hasSize(300);
    long bad =
        KernelLab.onLoop(
            vrf.scheduler(),
            () -> vrf.counters().malformed(MalformedPacketException.Reason.BAD_UDP_CHECKSUM));
    assertThat(bad).isEqualTo(1);
    assertThat(outside.offloadCounters().checksumsTrusted()).isZero();
  }

  private static void awaitCount(List<byte[]> list, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (list.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(list).as("datagrams delivered").hasSizeGreaterThanOrEqualTo(count);
  }
}
