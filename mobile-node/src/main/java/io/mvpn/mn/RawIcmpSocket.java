package io.mvpn.mn;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
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
  private static final int SOCK_RAW = 3;
  private static final int IPPROTO_ICMP = 1;
  private static final int SOL_SOCKET = 1;
  private static final int SO_BROADCAST = 6;
  private static final int SO_RCVTIMEO = 20;
  private static final int SO_BINDTODEVICE = 25;
  private static final int IPPROTO_IP = 0;
  private static final int IP_HDRINCL = 3;
  private static final int EAGAIN = 11;
  private static final int EINTR = 4;

  static {
    Native.register(RawIcmpSocket.class, Platform.C_LIBRARY_NAME);
  }

  private static native int socket(int domain, int type, int protocol) throws LastErrorException;

  private static native int setsockopt(int fd, int level, int name, byte[] value, int length)
      throws LastErrorException;

  private static native long recv(int fd, byte[] buffer, long length, int flags)
      throws LastErrorException;

  private static native long sendto(
      int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength)
      throws LastErrorException;

  private static native int close(int fd) throws LastErrorException;

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
      byte[] timeout = new byte[16]; // struct timeval: seconds, then microseconds (64-bit each)
      long micros = RECEIVE_TIMEOUT_MILLIS * 1000L;
      for (int i = 0; i < 8; i++) {
        timeout[8 + i] = (byte) (micros >>> (8 * i));
      }
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeout, timeout.length);
    } catch (LastErrorException e) {
      close(fd);
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
      if (e.getErrorCode() == EAGAIN || e.getErrorCode() == EINTR) {
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
      try {
        close(fd);
      } catch (LastErrorException e) {
        // nothing left to do with it
      }
    }
  }

  private static byte[] intValue(int v) {
    return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
  }
}
