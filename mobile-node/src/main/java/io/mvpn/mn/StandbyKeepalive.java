package io.mvpn.mn;

import static io.mvpn.mn.LinuxSockets.SOCK_RAW;
import static io.mvpn.mn.LinuxSockets.SOL_SOCKET;
import static io.mvpn.mn.LinuxSockets.bind;
import static io.mvpn.mn.LinuxSockets.closeQuietly;
import static io.mvpn.mn.LinuxSockets.sendto;
import static io.mvpn.mn.LinuxSockets.setsockopt;
import static io.mvpn.mn.LinuxSockets.socket;

import com.sun.jna.LastErrorException;
import io.mvpn.api.Ipv4Address;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A standby interface's NAT-keepalive (RFC 3948 §2.3: one byte 0xFF in UDP from port 4500 to the
 * gateway's port 4500), sent out of that interface from its address. The node's own UDP socket on
 * the address would leave by the main table's route to the gateway, which is the active
 * interface's; a raw UDP socket bound to the device (SO_BINDTODEVICE, as {@link RawIcmpSocket})
 * leaves where the keepalive must: to the standby's router, whose neighbour entry it refreshes,
 * through the NAT on that path, whose mapping for port 4500 it holds. The socket lives for one send
 * (every 15 s at most per standby): it never reads. The UDP checksum is 0, "none", which IPv4
 * allows (RFC 768); the gateway drops the keepalive unread anyway.
 */
final class StandbyKeepalive {

  static final int NAT_T_PORT = 4500;

  private static final int AF_INET = 2;
  private static final int IPPROTO_UDP = 17;
  private static final int SO_BINDTODEVICE = 25;

  private StandbyKeepalive() {}

  /** Sends one keepalive out of {@code device} from {@code from} to {@code gateway}. */
  static void send(String device, Ipv4Address from, Ipv4Address gateway) throws IOException {
    int fd;
    try {
      fd = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
    } catch (LastErrorException | LinkageError e) {
      throw new IOException("raw UDP socket: " + why(e) + " (needs CAP_NET_RAW)");
    }
    try {
      byte[] name = (device + "\0").getBytes(StandardCharsets.US_ASCII);
      setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, name.length);
      byte[] source = address(from, 0);
      bind(fd, source, source.length);
      byte[] datagram = datagram();
      byte[] to = address(gateway, 0); // a raw socket's port is its protocol's business
      sendto(fd, datagram, datagram.length, 0, to, to.length);
    } catch (LastErrorException e) {
      throw new IOException("keepalive on " + device + " from " + from + ": " + why(e));
    } finally {
      closeQuietly(fd);
    }
  }

  /** The UDP header (ports 4500 to 4500, length 9, no checksum) and the one byte 0xFF. */
  static byte[] datagram() {
    return new byte[] {
      (byte) (NAT_T_PORT >> 8),
      (byte) NAT_T_PORT,
      (byte) (NAT_T_PORT >> 8),
      (byte) NAT_T_PORT,
      0,
      9,
      0,
      0,
      (byte) 0xFF
    };
  }

  /** struct sockaddr_in: family in host order, port and address in network order. */
  private static byte[] address(Ipv4Address a, int port) {
    byte[] s = new byte[16];
    s[0] = AF_INET;
    s[2] = (byte) (port >> 8);
    s[3] = (byte) port;
    System.arraycopy(a.toBytes(), 0, s, 4, 4);
    return s;
  }

  private static String why(Throwable e) {
    return e instanceof LastErrorException l ? "errno " + l.getErrorCode() : e.toString();
  }
}
