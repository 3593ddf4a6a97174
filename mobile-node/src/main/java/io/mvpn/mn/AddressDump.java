package io.mvpn.mn;

import static io.mvpn.mn.LinuxSockets.SOCK_RAW;
import static io.mvpn.mn.LinuxSockets.closeQuietly;
import static io.mvpn.mn.LinuxSockets.receiveTimeout;
import static io.mvpn.mn.LinuxSockets.recv;
import static io.mvpn.mn.LinuxSockets.sendto;
import static io.mvpn.mn.LinuxSockets.socket;

import com.sun.jna.LastErrorException;
import io.mvpn.api.Ipv4Address;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;

/**
 * One interface's IPv4 addresses as an RTM_GETADDR dump over rtnetlink gives them. The kernel
 * answers the dump under RCU alone, whereas the JDK's {@code NetworkInterface} asks with
 * SIOCGIFCONF, which waits for the RTNL lock: a link of the namespace going down holds it for
 * milliseconds (up to 5 ms measured here, against 0.2 ms for the dump), and the look that follows
 * the notification of a lost address must not wait for the very change it was told about.
 */
final class AddressDump {

  private static final int AF_NETLINK = 16;
  private static final int AF_INET = 2;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int NETLINK_ROUTE = 0;
  private static final int RTM_NEWADDR = 20;
  private static final int RTM_GETADDR = 22;
  private static final int NLMSG_ERROR = 2;
  private static final int NLMSG_DONE = 3;
  private static final int NLM_F_REQUEST = 0x1;
  private static final int NLM_F_DUMP = 0x300;
  private static final int IFA_ADDRESS = 1;
  private static final int IFA_LOCAL = 2;
  private static final int NLMSG_HDRLEN = 16;
  private static final int IFADDRMSG_LEN = 8;
  private static final int RECEIVE_TIMEOUT_MILLIS = 1000;

  private AddressDump() {}

  /** The IPv4 addresses the kernel has on interface {@code ifindex} now. */
  static Set<Ipv4Address> of(int ifindex) throws IOException {
    int fd;
    try {
      fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    } catch (LastErrorException | LinkageError e) {
      throw new IOException("rtnetlink socket: " + e);
    }
    try {
      receiveTimeout(fd, RECEIVE_TIMEOUT_MILLIS);
      byte[] request = request();
      byte[] kernel = new byte[12]; // struct sockaddr_nl, port 0: the kernel
      kernel[0] = AF_NETLINK;
      sendto(fd, request, request.length, 0, kernel, kernel.length);
      Set<Ipv4Address> addresses = new HashSet<>();
      byte[] buffer = new byte[32 * 1024];
      while (true) {
        int length = (int) recv(fd, buffer, buffer.length, 0);
        if (read(buffer, length, ifindex, addresses)) {
          return addresses;
        }
      }
    } catch (LastErrorException e) {
      throw new IOException("address dump: errno " + e.getErrorCode());
    } finally {
      closeQuietly(fd);
    }
  }

  /** struct nlmsghdr and struct ifaddrmsg: every IPv4 address of the namespace. */
  static byte[] request() {
    ByteBuffer b = ByteBuffer.allocate(NLMSG_HDRLEN + IFADDRMSG_LEN).order(ByteOrder.nativeOrder());
    b.putInt(NLMSG_HDRLEN + IFADDRMSG_LEN)
        .putShort((short) RTM_GETADDR)
        .putShort((short) (NLM_F_REQUEST | NLM_F_DUMP))
        .putInt(1) // sequence
        .putInt(0) // port: the kernel fills it in
        .put((byte) AF_INET);
    return b.array();
  }

  /**
   * Adds the addresses of {@code ifindex} in one datagram of the dump to {@code into}; true once
   * the dump is done. A datagram whose messages do not hold together, or an error from the kernel,
   * is an IOException.
   */
  static boolean read(byte[] datagram, int length, int ifindex, Set<Ipv4Address> into)
      throws IOException {
    ByteBuffer b = ByteBuffer.wrap(datagram, 0, length).order(ByteOrder.nativeOrder());
    int at = 0;
    while (at + NLMSG_HDRLEN <= length) {
      int size = b.getInt(at);
      int type = b.getShort(at + 4) & 0xffff;
      if (size < NLMSG_HDRLEN || size > length - at) {
        throw new IOException("address dump: a message of " + size + " bytes at " + at);
      }
      if (type == NLMSG_DONE) {
        return true;
      }
      if (type == NLMSG_ERROR) {
        throw new IOException("address dump: the kernel refused it, errno " + -b.getInt(at + 16));
      }
      if (type == RTM_NEWADDR && size >= NLMSG_HDRLEN + IFADDRMSG_LEN) {
        address(b, at, size, ifindex, into);
      }
      at += (size + 3) & ~3;
    }
    return false;
  }

  /** One RTM_NEWADDR: its IFA_LOCAL (else IFA_ADDRESS) if it is an IPv4 address of ifindex. */
  private static void address(ByteBuffer b, int at, int size, int ifindex, Set<Ipv4Address> into)
      throws IOException {
    int family = b.get(at + NLMSG_HDRLEN) & 0xff;
    int index = b.getInt(at + NLMSG_HDRLEN + 4);
    if (family != AF_INET || index != ifindex) {
      return;
    }
    Ipv4Address local = null;
    Ipv4Address address = null;
    int attribute = at + NLMSG_HDRLEN + IFADDRMSG_LEN;
    int end = at + size;
    while (attribute + 4 <= end) {
      int length = b.getShort(attribute) & 0xffff;
      int type = b.getShort(attribute + 2) & 0xffff;
      if (length < 4 || attribute + length > end) {
        throw new IOException("address dump: an attribute of " + length + " bytes");
      }
      if (length == 8 && (type == IFA_LOCAL || type == IFA_ADDRESS)) {
        byte[] four = new byte[4];
        b.get(attribute + 4, four);
        if (type == IFA_LOCAL) {
          local = Ipv4Address.of(four);
        } else {
          address = Ipv4Address.of(four);
        }
      }
      attribute += (length + 3) & ~3;
    }
    Ipv4Address found = local != null ? local : address;
    if (found != null) {
      into.add(found);
    }
  }
}
