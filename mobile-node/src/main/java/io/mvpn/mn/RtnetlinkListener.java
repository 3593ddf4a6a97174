package io.mvpn.mn;

import static io.mvpn.mn.LinuxSockets.SOCK_RAW;
import static io.mvpn.mn.LinuxSockets.bind;
import static io.mvpn.mn.LinuxSockets.closeQuietly;
import static io.mvpn.mn.LinuxSockets.nothingYet;
import static io.mvpn.mn.LinuxSockets.receiveTimeout;
import static io.mvpn.mn.LinuxSockets.recv;
import static io.mvpn.mn.LinuxSockets.socket;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Listens to the kernel's link and IPv4 address notifications (a NETLINK_ROUTE socket in the groups
 * RTMGRP_LINK and RTMGRP_IPV4_IFADDR) on a daemon thread of its own, and calls {@code wake} for
 * every well-formed message: a link went up or down, a device came or went, an address was added or
 * removed, on any interface of the network namespace. It does not read further than each message's
 * header: the one who is woken reads the state it cares about itself, so a notification about
 * another interface only costs it one look. A lost notification (the socket's buffer overflowed)
 * wakes too, since something changed. A malformed message is counted and dropped.
 *
 * <p>{@code wake} runs on the listener's thread: it must only hand work over, never do it. Reads
 * wait at most {@link #RECEIVE_TIMEOUT_MILLIS}, so the thread notices {@link #close} without
 * signals; the thread closes the socket itself on its way out, so no read ever races a close.
 */
final class RtnetlinkListener implements AutoCloseable {

  static final int RECEIVE_TIMEOUT_MILLIS = 250;

  private static final int AF_NETLINK = 16;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int NETLINK_ROUTE = 0;
  private static final int RTMGRP_LINK = 0x1;
  private static final int RTMGRP_IPV4_IFADDR = 0x10;
  private static final int ENOBUFS = 105;

  /** struct nlmsghdr: length, type, flags, sequence, port id. */
  static final int NLMSG_HDRLEN = 16;

  private final int fd;
  private final Runnable wake;
  private final Thread reader;
  private final AtomicLong malformed = new AtomicLong();
  private volatile boolean closing;

  private RtnetlinkListener(int fd, Runnable wake) {
    this.fd = fd;
    this.wake = wake;
    this.reader = new Thread(this::read, "mvpn-mn-rtnetlink");
    reader.setDaemon(true);
  }

  /**
   * Opens the socket in the calling thread's network namespace and starts listening; an IOException
   * names what the kernel refused.
   */
  static RtnetlinkListener open(Runnable wake) throws IOException {
    int fd;
    try {
      fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    } catch (LastErrorException | LinkageError e) {
      throw new IOException("rtnetlink socket: " + describe(e));
    }
    try {
      // struct sockaddr_nl: family (u16), pad (u16), port id (u32, 0: the kernel picks), groups
      byte[] address = new byte[12];
      address[0] = AF_NETLINK;
      putInt(address, 8, RTMGRP_LINK | RTMGRP_IPV4_IFADDR);
      bind(fd, address, address.length);
      receiveTimeout(fd, RECEIVE_TIMEOUT_MILLIS);
    } catch (LastErrorException e) {
      closeQuietly(fd);
      throw new IOException("rtnetlink socket: " + describe(e));
    }
    RtnetlinkListener listener = new RtnetlinkListener(fd, wake);
    listener.reader.start();
    return listener;
  }

  /** Messages dropped because their headers did not hold together. */
  long malformed() {
    return malformed.get();
  }

  /** Stops listening; the thread closes the socket within {@link #RECEIVE_TIMEOUT_MILLIS}. */
  @Override
  public void close() {
    closing = true;
  }

  /** Waits at most {@code millis} for the thread to have closed the socket and ended. */
  boolean awaitClosed(long millis) throws InterruptedException {
    reader.join(millis);
    return !reader.isAlive();
  }

  private void read() {
    HandoverPriority.applyHere(); // the loop's own try says whether it could
    byte[] buffer = new byte[16 * 1024];
    try {
      while (!closing) {
        int length;
        try {
          length = (int) recv(fd, buffer, buffer.length, 0);
        } catch (LastErrorException e) {
          if (e.getErrorCode() == ENOBUFS) {
            wake.run(); // notifications were lost: look anyway
          } else if (!nothingYet(e)) {
            return; // the socket is no longer usable; the poll goes on
          }
          continue;
        }
        if (wellFormed(buffer, length) > 0) {
          wake.run();
        } else if (length > 0) {
          malformed.incrementAndGet();
        }
      }
    } finally {
      closeQuietly(fd);
    }
  }

  /**
   * The number of messages in a datagram whose headers all hold together (each at least a header
   * long, none running past the datagram), or -1 if one does not.
   */
  static int wellFormed(byte[] datagram, int length) {
    int messages = 0;
    int at = 0;
    while (at + NLMSG_HDRLEN <= length) {
      int size = getInt(datagram, at);
      if (size < NLMSG_HDRLEN || size > length - at) {
        return -1;
      }
      messages++;
      at += (size + 3) & ~3; // NLMSG_ALIGN
    }
    return at < length ? -1 : messages;
  }

  private static String describe(Throwable e) {
    return e instanceof LastErrorException l ? "errno " + l.getErrorCode() : e.toString();
  }

  private static int getInt(byte[] b, int at) { // host order: little-endian on the platforms run
    return (b[at] & 0xff)
        | (b[at + 1] & 0xff) << 8
        | (b[at + 2] & 0xff) << 16
        | (b[at + 3] & 0xff) << 24;
  }

  private static void putInt(byte[] b, int at, int v) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }
}
