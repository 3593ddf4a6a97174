package io.mvpn.mn;

import static io.mvpn.mn.LinuxSockets.SOCK_RAW;
import static io.mvpn.mn.LinuxSockets.SOL_SOCKET;
import static io.mvpn.mn.LinuxSockets.closeQuietly;
import static io.mvpn.mn.LinuxSockets.nothingYet;
import static io.mvpn.mn.LinuxSockets.receiveTimeout;
import static io.mvpn.mn.LinuxSockets.recv;
import static io.mvpn.mn.LinuxSockets.sendto;
import static io.mvpn.mn.LinuxSockets.setsockopt;
import static io.mvpn.mn.LinuxSockets.socket;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A raw IPv4 socket for ICMP bound to one network device (SO_BINDTODEVICE): it receives every ICMP
 * message that arrives on that device, broadcasts included (a foreign agent's advertisements, sent
 * to 255.255.255.255 before the host has any address or route there), and sends whole datagrams
 * built by the engine (IP_HDRINCL), so a solicitation leaves from the home address however the
 * device is addressed. Needs CAP_NET_RAW. Reads wait at most {@link #RECEIVE_TIMEOUT_MILLIS}, so a
 * reader notices {@link #close} without signals.
 */
final class RawIcmpSocket implements AutoCloseable {

  static final int RECEIVE_TIMEOUT_MILLIS = 250;

  private static final int AF_INET = 2;
  private static final int IPPROTO_ICMP = 1;
  private static final int SO_BROADCAST = 6;
  private static final int SO_BINDTODEVICE = 25;
  private static final int IPPROTO_IP = 0;
  private static final int IP_HDRINCL = 3;

  private final String device;
  private final int fd;
  private boolean closed;

  private RawIcmpSocket(String device, int fd) {
    this.device = device;
    this.fd = fd;
  }

  /** Opens the socket on {@code device}; an IOException names what the kernel refused. */
  static RawIcmpSocket open(String device) throws IOException {
    int fd;
    try {
      fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    } catch (LastErrorException e) {
      throw new IOException(
          "raw ICMP socket: errno " + e.getErrorCode() + " (needs CAP_NET_RAW, in practice root)");
    }
    try {
      byte[] name = (device + "\0").getBytes(StandardCharsets.US_ASCII);
      setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, name.length);
      setsockopt(fd, SOL_SOCKET, SO_BROADCAST, intValue(1), 4);
      setsockopt(fd, IPPROTO_IP, IP_HDRINCL, intValue(1), 4);
      receiveTimeout(fd, RECEIVE_TIMEOUT_MILLIS);
    } catch (LastErrorException e) {
      closeQuietly(fd);
      throw new IOException(
          "raw ICMP socket on " + device + ": errno " + e.getErrorCode() + " (no such device?)");
    }
    return new RawIcmpSocket(device, fd);
  }

  String device() {
    return device;
  }

  /**
   * Receives one datagram (IPv4 header included) into {@code buffer}; its length, or 0 when none
   * came within the timeout.
   */
  int receive(byte[] buffer) throws IOException {
    try {
      return (int) recv(fd, buffer, buffer.length, 0);
    } catch (LastErrorException e) {
      if (nothingYet(e)) {
        return 0;
      }
      throw new IOException("receiving on " + device + ": errno " + e.getErrorCode());
    }
  }

  /** Sends a whole IPv4 datagram to its destination address, out of the device. */
  void send(byte[] datagram, int length) throws IOException {
    byte[] to = new byte[16]; // sockaddr_in: family (host order), port, address (network order)
    to[0] = AF_INET;
    System.arraycopy(datagram, 16, to, 4, 4);
    try {
      sendto(fd, datagram, length, 0, to, to.length);
    } catch (LastErrorException e) {
      throw new IOException("sending on " + device + ": errno " + e.getErrorCode());
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      closeQuietly(fd);
    }
  }

  private static byte[] intValue(int v) {
    return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
  }
}
