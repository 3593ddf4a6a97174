package io.mvpn.net.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.testing.Requirements;
import io.mvpn.net.transport.KernelSocketDrops.SocketDrops;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KernelSocketDropsTest {

  @Test
  void readsTheDropsColumnOfThisProcesssSocketsOnly() {
    List<String> table =
        List.of(
            "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
                + "  timeout inode ref pointer drops",
            "  279: 0100007F:10F5 00000000:0000 07 00000000:00000000 00:00000000 00000000     0"
                + "        0 4242 2 0000000000000000 17",
            "  300: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0"
                + "        0 999 2 0000000000000000 3");

    List<SocketDrops> ours = KernelSocketDrops.parse(table, Set.of(4242L));

    assertThat(ours).containsExactly(new SocketDrops(Ipv4Address.parse("127.0.0.1"), 4341, 17));
  }

  @Test
  void aSocketWhoseReceiveBufferOverflowsShowsTheKernelsDrops() throws Exception {
    Requirements.require(
        Files.isReadable(Path.of("/proc/self/net/udp")), "Linux /proc/self/net/udp");
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (DatagramSocket reader = new DatagramSocket(0, loopback);
        DatagramSocket writer = new DatagramSocket(0, loopback)) {
      reader.setReceiveBufferSize(2048);
      byte[] payload = new byte[512];
      // Nobody reads: beyond a few datagrams the kernel has nowhere to put them.
      for (int i = 0; i < 500; i++) {
        writer.send(new DatagramPacket(payload, payload.length, loopback, reader.getLocalPort()));
      }

      SocketDrops drops =
          KernelSocketDrops.ofThisProcess().stream()
              .filter(s -> s.port() == reader.getLocalPort())
              .findFirst()
              .orElseThrow();

      assertThat(drops.address()).isEqualTo(Ipv4Address.parse("127.0.0.1"));
      assertThat(drops.drops()).isGreaterThan(400);
    }
  }
}
