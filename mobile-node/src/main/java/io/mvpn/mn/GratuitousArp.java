package io.mvpn.mn;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import io.mvpn.api.Ipv4Address;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * A gratuitous ARP request for an address, broadcast on one device: what a mobile node back on its
 * home link sends (RFC 5944 §4.6), so the hosts there that learnt the home agent's MAC for the home
 * address while the node was away take the node's own again at once rather than after their cache
 * times out. A packet socket of type SOCK_DGRAM (the kernel adds the Ethernet header); needs
 * CAP_NET_RAW.
 */
final class GratuitousArp {

  private static final int AF_PACKET = 17;
  private static final int SOCK_DGRAM = 2;
  private static final int ETH_P_ARP = 0x0806;

  static {
    Native.register(GratuitousArp.class, Platform.C_LIBRARY_NAME);
  }

  private static native int socket(int domain, int type, int protocol) throws LastErrorException;

  private static native long sendto(
      int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength)
      throws LastErrorException;

  private static native int close(int fd) throws LastErrorException;

  private GratuitousArp() {}

  private static int htons(int value) {
    return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN
        ? value
        : Short.toUnsignedInt(Short.reverseBytes((short) value));
  }

  /** Broadcasts "who has {@code address}? tell {@code address}" from the device's own MAC. */
  static void announce(String device, Ipv4Address address) throws IOException {
    Path sys = Path.of("/sys/class/net", device);
    int ifindex = Integer.parseInt(Files.readString(sys.resolve("ifindex")).trim());
    byte[] mac =
        HexFormat.ofDelimiter(":").parseHex(Files.readString(sys.resolve("address")).trim());
    ByteBuffer arp = ByteBuffer.allocate(28); // RFC 826, Ethernet and IPv4
    arp.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4);
    arp.putShort((short) 1); // a request: every host on the link takes in its sender fields
    arp.put(mac).put(address.toBytes()).put(new byte[6]).put(address.toBytes());
    ByteBuffer to = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder()); // sockaddr_ll
    to.putShort((short) AF_PACKET);
    to.order(ByteOrder.BIG_ENDIAN).putShort((short) ETH_P_ARP);
    to.order(ByteOrder.nativeOrder()).putInt(ifindex).putShort((short) 1); // ARPHRD_ETHER
    to.put((byte) 0).put((byte) 6);
    to.put(new byte[] {-1, -1, -1, -1, -1, -1, 0, 0});
    int fd;
    try {
      fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ARP));
    } catch (LastErrorException e) {
      throw new IOException("packet socket: errno " + e.getErrorCode() + " (needs CAP_NET_RAW)");
    }
    try {
      sendto(fd, arp.array(), 28, 0, to.array(), 20);
    } catch (LastErrorException e) {
      throw new IOException("gratuitous ARP on " + device + ": errno " + e.getErrorCode());
    } finally {
      close(fd);
    }
  }
}
